"""What runs and a team's quota workflow tell each other, and what the quota workflow
carries across continue-as-new. Internal to the worker (Python to Python), so plain
dataclasses."""

# No postponed annotations (PEP 563): the SDK resolves these hints on every decode, and
# string hints cost it a compile each time.

from dataclasses import dataclass, field

from skypilot_temporal.contract.quota_names import RELEASE_ALL


@dataclass
class QuotaRequest:
    """Signal `acquire`: a run asks for `count` slots at once.

    The same (holder run, request id) sent again is the same request: it is queued and
    granted once. `reserve` marks a grant its holder will ask to add to before it can go
    on (it holds part of what it needs); see workflows/quota.py for what that allows."""

    holder_workflow_id: str
    holder_run_id: str
    request_id: str
    count: int
    reserve: bool = False

    def problem(self) -> str:
        """Why the request cannot be queued ("" when it can)."""
        if not (self.holder_workflow_id and self.holder_run_id and self.request_id):
            return "holder_workflow_id, holder_run_id and request_id must not be empty"
        if self.request_id == RELEASE_ALL:
            return f"request_id {RELEASE_ALL!r} is kept for releasing everything a holder has"
        if self.count < 1:
            return f"count {self.count} is not a whole number >= 1"
        return ""


@dataclass
class QuotaRelease:
    """Signal `release`: a holder gives back slots of one request (or, with request id
    "all", every slot it holds and every request it has waiting).

    `count` is how many of that request's slots are given back by now, counted from its
    grant (a holder of 2 that downs one cluster sends 1, then 2 when it downs the other);
    0, or the whole grant, gives it all back. So a repeated release changes nothing.
    A release of a request still waiting takes it out of the queue."""

    holder_workflow_id: str
    request_id: str
    count: int = 0


@dataclass
class QuotaGrant:
    """Signal `quota_granted`, to the holder: its request `request_id` holds `count` slots."""

    request_id: str
    count: int


@dataclass
class HolderRun:
    """One run of a holder workflow."""

    workflow_id: str
    run_id: str


@dataclass
class HolderRuns:
    """The runs whose leases are checked; back: those of them that are closed."""

    runs: list[HolderRun] = field(default_factory=list)


@dataclass
class TeamLimit:
    """What the worker's setting allows a team: None is no limit."""

    limit: int | None


@dataclass
class QuotaHolding:
    """One line of the query: a holder's slots (all its grants, since the first) or a
    waiting request's (since it arrived)."""

    workflow_id: str
    count: int
    since: str


@dataclass
class QuotaView:
    """Query `quota`: the team's limit (None: unlimited), the slots held in all, who holds
    them and who waits, in the order they will be granted. `limit_error` says why the
    limit could not be read ("" when it was): nothing new is granted until it can."""

    team: str
    limit: int | None
    held: int
    holders: list[QuotaHolding] = field(default_factory=list)
    waiting: list[QuotaHolding] = field(default_factory=list)
    limit_error: str = ""


@dataclass
class QuotaAnswer:
    """What request_quota tells the run: the team's quota as it stood right after the
    request arrived (None when it could not be read), for the line a waiting run shows."""

    view: QuotaView | None = None


@dataclass
class QuotaEntry:
    """A request, waiting or granted, as the quota workflow keeps it."""

    request: QuotaRequest
    since: str
    # Of a grant: how many of its slots its holder has given back.
    released: int = 0

    @property
    def held(self) -> int:
        return self.request.count - self.released


@dataclass
class QuotaState:
    """What a quota workflow carries across continue-as-new."""

    granted: list[QuotaEntry] = field(default_factory=list)
    waiting: list[QuotaEntry] = field(default_factory=list)
    # The (holder run, request id) keys of requests lately released or dropped, so a
    # late retry of their acquire is not granted again.
    finished: list[str] = field(default_factory=list)
    limit: int | None = None
    limit_known: bool = False
    limit_error: str = ""


@dataclass
class TeamQuotaInput:
    """The quota workflow's input. 0 seconds means the default."""

    team: str
    # How often the holders' leases are checked and the limit read again.
    check_seconds: int = 0
    # How long the workflow stays up with nothing held and nobody waiting.
    idle_seconds: int = 0
    state: QuotaState = field(default_factory=QuotaState)


@dataclass
class QuotaAsk:
    """request_quota's input: the team, the request, and the task queue the team's quota
    workflow runs on ("" = the activity's own)."""

    team: str
    request: QuotaRequest
    task_queue: str = ""
