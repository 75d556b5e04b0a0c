"""Forms of the questionnaire pages: the answer form built from a questionnaire's questions (the service
validates again), and the editor's questionnaire form and question rows."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question, Questionnaire


class AnswerForm(forms.Form):
    """One field per question, named q<id>; required-ness and ranges are checked by services.answer."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            label = f"{q.order}. {q.text}"
            if q.kind in (Question.Kind.SCALE5, Question.Kind.SINGLE):
                field = forms.ChoiceField(label=label, choices=q.choices(), widget=forms.RadioSelect, required=False)
            elif q.kind == Question.Kind.MULTIPLE:
                field = forms.MultipleChoiceField(label=label, choices=q.choices(), widget=forms.CheckboxSelectMultiple,
                                                  required=False)
            elif q.kind == Question.Kind.NUMBER:
                field = forms.CharField(label=label, max_length=40, required=False,
                                        widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            else:
                field = forms.CharField(label=label, max_length=2000, required=False,
                                        widget=forms.Textarea(attrs={"rows": 4}))
            field.help_text = q.help_text
            field.required_mark = q.required
            self.fields[q.field_name] = field


class QuestionnaireForm(forms.Form):
    title = forms.CharField(label=_("问卷名称"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("状态"), choices=Questionnaire.Status.choices, initial=Questionnaire.Status.DRAFT)


class QuestionForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    order = forms.IntegerField(label=_("序号"), min_value=1, max_value=999, required=False)
    text = forms.CharField(label=_("题目"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("题型"), choices=Question.Kind.choices)
    options = forms.CharField(label=_("选项(每行一个)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    required = forms.BooleanField(label=_("必答"), required=False)
    help_text = forms.CharField(label=_("填写说明"), max_length=300, required=False)
    min_value = forms.DecimalField(label=_("最小值"), required=False, max_digits=18, decimal_places=4)
    max_value = forms.DecimalField(label=_("最大值"), required=False, max_digits=18, decimal_places=4)
    delete = forms.BooleanField(label=_("删除"), required=False)

    def row(self) -> dict | None:
        """The row for services.save_questionnaire, or None for an untouched blank row."""
        data = dict(self.cleaned_data)
        if not data.get("id") and not (data.get("text") or "").strip():
            return None
        data["options"] = (data.get("options") or "").splitlines()
        return data


QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, max_num=100, absolute_max=100)


def initial_rows(questions) -> list[dict]:
    return [{"id": q.pk, "order": q.order, "text": q.text, "kind": q.kind, "options": "\n".join(q.options or []),
             "required": q.required, "help_text": q.help_text, "min_value": q.min_value, "max_value": q.max_value}
            for q in questions]
