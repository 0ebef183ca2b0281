"""A logger that tells an operator at a terminal where a run is: one line per stage.

Dagster's console logger prints every event (hundreds per run); ``scorecards run`` keeps it for
warnings and errors and adds this one, which prints when each stage starts, how long it took,
retries, and the checks that failed.
"""

import logging
import sys
import time

import dagster as dg

STAGE_LABELS = {
    "landed_exports": "ingest (landing → raw, audit, quarantine)",
    "scorecards_dbt": "dbt build: staging, monthly models, scorecards, payouts (and their tests)",
    "published_scorecards": "publish (write, swap)",
    "payout_statements": "statements (XLSX, CSV, finance workbook)",
    "scorecard_report": "report (HTML, charts)",
}


def stage_label(step_key: str) -> str:
    if step_key in STAGE_LABELS:
        return STAGE_LABELS[step_key]
    return f"check {step_key.rsplit('_gx_', 1)[-1]}" if "_gx_" in step_key else step_key


class StageHandler(logging.Handler):
    """Prints stage lines from Dagster's structured events; ignores plain log messages."""

    def __init__(self, stream=None) -> None:
        super().__init__()
        self.stream = stream or sys.stderr
        self.started: dict[str, float] = {}

    def _print(self, text: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {text}", file=self.stream, flush=True)

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None)
        event = meta.get("dagster_event") if isinstance(meta, dict) else None
        if event is None:
            return
        kind, step = event.event_type_value, event.step_key
        if kind == "STEP_START" and step:
            self.started[step] = time.monotonic()
            self._print(f"▶ {stage_label(step)}")
        elif kind == "STEP_SUCCESS" and step:
            took = time.monotonic() - self.started.get(step, time.monotonic())
            self._print(f"✔ {stage_label(step)} ({took:.1f} s)")
        elif kind == "STEP_UP_FOR_RETRY" and step:
            self._print(f"↻ {stage_label(step)}: retrying after a transient error")
        elif kind == "STEP_FAILURE" and step:
            self._print(f"✘ {stage_label(step)} failed")
        elif kind == "ASSET_CHECK_EVALUATION":
            evaluation = event.event_specific_data
            if not evaluation.passed:
                level = (
                    "blocking" if evaluation.severity == dg.AssetCheckSeverity.ERROR else "warning"
                )
                self._print(f"  {level}: {evaluation.check_name} failed")


@dg.logger(description="One line per stage (start, duration, retries, failed checks) on stderr.")
def stage_progress(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("scorecards.stages", level=logging.DEBUG)
    logger.addHandler(StageHandler())
    return logger
