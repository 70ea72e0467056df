from django import forms
from django.utils.translation import gettext_lazy as _


class PlanWorkbookForm(forms.Form):
    workbook = forms.FileField(
        label=_("Plan workbook (.xlsx)"),
        help_text=_("The plan is created, or updated when its slug exists. Nothing is saved if any row has a problem."),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an Excel workbook (.xlsx)."))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
