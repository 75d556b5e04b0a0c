from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.uploads import DOCX, PDF, XLSX, UploadField


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("异议内容和理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    evidence = UploadField(kinds=(PDF, DOCX, XLSX), label=_("证明材料"), required=False,
                           help_text=_("PDF、Word(.docx)或 Excel(.xlsx),不超过 20 MB。"))
