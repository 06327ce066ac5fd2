"""Reports from the public, routed to the party of the person reported.

Anyone may report, without an account. A report keeps its coded facts in clear (party,
role, channel, provisions, period, who is reporting: what the intake queue, deadlines and
statistics need) and everything a person wrote or could be found by (what happened, the
respondent's name or handle, links, the reporter's contact details) sealed to the party's
key (``db.envelope``). The reporter gets a receipt (a code and a secret shown once) that
reads the report's coarse status and, once the case is final, the outcome band, never
anything about the person reported. Only the responsible party's officers see a report;
they accept it into a case, decline it with a coded reason, transfer it to the party the
person belongs to, or record a referral.

The package's modules: ``models`` (what a report is), ``checks`` (against the code),
``sealing`` (the party's key), ``reporter`` (by receipt) and ``queue`` (the party's
side). Callers use the names below.
"""

from __future__ import annotations

from cases.reports.checks import too_many
from cases.reports.models import (
    PURPOSE,
    REPORTER_KINDS,
    Contents,
    Report,
    ReporterStatus,
    ReportInput,
    ReportStatus,
)
from cases.reports.queue import (
    accept_report,
    decline_report,
    get_reports,
    list_reports,
    refer_report,
    reports_for_cases,
    transfer_report,
)
from cases.reports.reporter import (
    add_information,
    own_copy,
    report_status,
    status_of,
    submit_report,
    withdraw,
)
from cases.reports.sealing import open_contents, open_email, party_key, seal_email

__all__ = [
    "PURPOSE",
    "REPORTER_KINDS",
    "Contents",
    "Report",
    "ReportInput",
    "ReportStatus",
    "ReporterStatus",
    "accept_report",
    "add_information",
    "decline_report",
    "get_reports",
    "list_reports",
    "open_contents",
    "open_email",
    "own_copy",
    "party_key",
    "refer_report",
    "report_status",
    "reports_for_cases",
    "seal_email",
    "status_of",
    "submit_report",
    "too_many",
    "transfer_report",
    "withdraw",
]
