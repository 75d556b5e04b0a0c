"""The background imports' pages (enterprises:import_job*, monitoring:import_job*): a job belongs to the official
who uploaded the file; everyone else, the province too, gets the same 404 as for a job that does not exist."""

from monitoring import imports
from portal.enterprises import services as enterprise_services
from portal.notifications.models import TaskRun

from ._objects import Own, memo

TASKS = {"enterprises": enterprise_services.IMPORT_TASK, "monitoring": imports.IMPORT_TASK}


def _run(world, app, owner):
    return memo(world, ("import-job", app, owner.pk), lambda: TaskRun.objects.create(
        task=TASKS[app], task_id=f"import-{app}-{owner.pk}", args={"owner": owner.pk}, counts={"progress": 40}))


def _foreign(app):
    def kwargs(world, role):
        owner = world.users["city" if role == "province" else "province"]
        return {"task_id": _run(world, app, owner).task_id}

    return kwargs


def _own(app, marker):
    def requests(world):
        run = _run(world, app, world.users["county"])
        return [Own("county", {"task_id": run.task_id}, marker)]

    return requests


FOREIGN = {
    "enterprises:import_job": _foreign("enterprises"),
    "enterprises:import_job_status": _foreign("enterprises"),
    "monitoring:import_job": _foreign("monitoring"),
    "monitoring:import_job_status": _foreign("monitoring"),
}

OWN = {
    "enterprises:import_job": _own("enterprises", 'aria-valuenow="40"'),
    "enterprises:import_job_status": _own("enterprises", '"progress": 40'),
    "monitoring:import_job": _own("monitoring", 'aria-valuenow="40"'),
    "monitoring:import_job_status": _own("monitoring", '"progress": 40'),
}
