"""Forms generated from the indicator and survey declarations (monitoring/indicators.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from monitoring.indicators import (
    INDICATORS,
    PRODUCT_FIELDS,
    SURVEY,
    Difficulty,
    Kind,
    return_field_choices,
)
from monitoring.validation import MAX_PRODUCTS, column_limits
from portal.core.bounds import bound_form_field
from portal.core.numbers import GroupedDecimalField, GroupedIntegerField
from portal.core.uploads import XLSX, UploadField


class FilingForm(forms.Form):
    """The three monthly forms in one: indicators, survey, difficulties. Products come as a formset."""

    def __init__(self, *args, industrial: bool, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_fields, self.survey_fields = [], []
        for ind in INDICATORS:
            if not ind.applies_to(industrial):
                continue
            label = ind.heading
            hint = _("1月至本月累计") if ind.kind == Kind.FLOW else _("期末数")
            common = {"label": label, "required": False, "help_text": hint}
            if ind.integer:
                field: forms.Field = GroupedIntegerField(min_value=None, **common)
            else:
                field = GroupedDecimalField(max_digits=16, decimal_places=1, **common)
            bound_form_field(field, column_limits(ind.code))  # what the column holds, as the API and import
            # Typed with or without thousands separators (portal/core/numbers.py).
            field.widget.attrs.update({"data-kind": ind.kind.value, "data-code": ind.code})
            self.fields[ind.code] = field
            self.indicator_fields.append(ind.code)
        for q in SURVEY:
            self.fields[q.field_name] = forms.ChoiceField(
                label=q.label, choices=q.choices.choices, required=False, widget=forms.RadioSelect)
            self.survey_fields.append(q.field_name)
        self.fields["difficulties"] = forms.MultipleChoiceField(
            label=_("主要困难和问题"), choices=Difficulty.choices, required=False, widget=forms.CheckboxSelectMultiple)
        self.fields["difficulties_text"] = forms.CharField(
            label=_("其他困难、问题和建议"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
        self.warning_fields = []
        for w in warnings:
            name = f"explain_{w['code']}"
            self.fields[name] = forms.CharField(label=w["message"], required=False, max_length=1000,
                                                widget=forms.Textarea(attrs={"rows": 2}))
            self.warning_fields.append(name)

    def payload(self) -> dict:
        """Typed data of the valid fields (fields with type errors come out empty)."""
        data = {code: self.cleaned_data.get(code) for code in self.indicator_fields}
        for name in self.survey_fields:
            data[name] = self.cleaned_data.get(name) or ""
        data["difficulties"] = self.cleaned_data.get("difficulties") or []
        data["difficulties_text"] = self.cleaned_data.get("difficulties_text") or ""
        data["explanations"] = {name.removeprefix("explain_"): self.cleaned_data.get(name, "")
                                for name in self.warning_fields if self.cleaned_data.get(name, "").strip()}
        return data


class ProductForm(forms.Form):
    name = forms.CharField(label=_("产品名称"), max_length=64, required=False)
    unit = forms.CharField(label=_("计量单位"), max_length=16, required=False)
    production = GroupedDecimalField(label=_("产量"), max_digits=16, decimal_places=2, required=False)
    sales = GroupedDecimalField(label=_("销量"), max_digits=16, decimal_places=2, required=False)
    inventory = GroupedDecimalField(label=_("期末库存"), max_digits=16, decimal_places=2, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in ("production", "sales", "inventory"):
            bound_form_field(self.fields[key], column_limits(key, product=True))


ProductFormSet = forms.formset_factory(ProductForm, extra=1, max_num=MAX_PRODUCTS, validate_max=True,
                                       can_delete=True)


def products_from(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        if not form.is_valid() or form.cleaned_data.get("DELETE"):
            continue
        cd = form.cleaned_data
        if not any(cd.get(k) not in (None, "") for k, _label in PRODUCT_FIELDS):
            continue
        rows.append({k: cd.get(k) for k, _label in PRODUCT_FIELDS})
    return rows


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    fields = forms.MultipleChoiceField(label=_("需要更正的项目"), required=False, widget=forms.CheckboxSelectMultiple,
                                       choices=return_field_choices)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DeadlineForm(forms.Form):
    """A month's two deadlines. Date inputs take ``2026-12-13`` whatever the language's date format; ``window``
    (the first and last allowed day) becomes their min and max. The rules themselves are the service's."""

    enterprise_deadline = forms.DateField(label=_("企业报送截止日"),
                                          widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    review_deadline = forms.DateField(label=_("审核上报截止日"),
                                      widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))

    def __init__(self, *args, window=None, **kwargs):
        super().__init__(*args, **kwargs)
        if window:
            for field in self.fields.values():
                field.widget.attrs.update(min=window[0].isoformat(), max=window[1].isoformat())


class FilingImportForm(forms.Form):
    """A month's filings in the template. UploadField checks the file (size, type, zip bomb, macros) and its rows
    against ``row_limits`` (imports.row_limits: the enterprises in the official's scope) before anything reads it."""

    file = UploadField(kinds=(XLSX,), label=_("选择文件(.xlsx)"))

    def __init__(self, *args, row_limits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].row_limits = row_limits
