"""Seeding a demo council: a plan of applications drawn from a seeded random generator, then
carried out through the planning services exactly as a council's portal and its officers
would (submission, documents, assignment, valid date, extension of time, decision,
withdrawal), so every timeline event and triage run is real.

The plan aims each application at a triage lane: a plain site with every document goes to
fast-track; a constrained site with the documents it needs to standard; a missing document
or a statement that contradicts the map to needs-attention. Triage itself decides, later, in
the worker; `Case.expected_lane` is only what the plan aimed for.
"""

import datetime
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from demo import proposals as kinds
from demo.documents import (
    ARTICLE_4,
    CONSERVATION_AREA,
    LISTED,
    TREES,
    Doc,
    Facts,
    Writer,
)
from demo.management.commands.load_demo import DEMO_PASSWORD
from demo.places import (
    COUNCIL_SOURCES,
    DISTRICTS,
    Address,
    Places,
    Site,
    SiteNotFound,
    nearest_district,
    postcode,
    street_address,
)
from demo.proposals import Proposal
from demo.site_history import ensure_demo_history
from geo.services import check_site
from planning.document_types import DOCUMENT_TYPES
from planning.models import (
    ApplicationEvent,
    Council,
    PastApplication,
    PlanningApplication,
    Role,
    User,
)
from planning.odp import SOURCE_FORMAT as ODP_FORMAT
from planning.odp import OdpApplication
from planning.services import (
    Actor,
    assign_application,
    ensure_user,
    record_decision,
    update_application,
)
from planning.statutory import categorise, statutory_clock
from planning.submission.applications import ReferenceConflict, submit_application
from planning.submission.documents import add_document
from planning.submission.payload import ApplicationSubmission

# Changing the version changes every generated application: bump it only with the generators.
SEED = "seed-demo-v1"
PORTAL = Actor("Demo portal")
VALIDATION_TEAM = Actor("Validation team")
GENERATED_PER_COUNCIL = 160
WINDOW_DAYS = 182  # received over the six months before today
ODP_DIR = Path(settings.BASE_DIR) / "deploy" / "demo" / "odp"
# The Open Digital Planning examples whose sites are in Southwark, and how many days ago each
# arrived; the others are in other authorities' areas, so no demo council would receive them.
ODP_EXAMPLES = {
    "southwark": [
        ("fullHouseholderInConservationArea.json", 2),
        ("priorApprovalSolarPanels.json", 6),
        ("worksToTrees.json", 11),
    ],
    "trafford": [],
}

# More officers for each council, so work is shared out; the logins from load_demo are kept
# exactly as they are. (username, first name, last name)
EXTRA_OFFICERS = {
    "southwark": [
        ("southwark-officer-2", "Amara", "Okafor"),
        ("southwark-officer-3", "Tom", "Whitfield"),
        ("southwark-officer-4", "Priya", "Raman"),
    ],
    "trafford": [
        ("trafford-officer-2", "Gareth", "Lloyd"),
        ("trafford-officer-3", "Hannah", "Brierley"),
        ("trafford-officer-4", "Imran", "Qureshi"),
    ],
}

APPLICANTS = (
    "Mr and Mrs Adeyemi", "Ms R. Kowalski", "Mr D. O'Connor", "Dr S. Bhattacharya",
    "Mrs J. Whitmore", "Mr and Mrs Lindqvist", "Ms A. Mensah", "Mr P. Hargreaves",
    "Mrs F. Rahman", "Mr T. Nakamura", "Ms E. Dunne", "Mr and Mrs Castellano",
    "Mr K. Osei", "Mrs L. Brennan", "Ms H. Sato", "Mr G. Pritchard",
)  # fmt: skip
AGENTS = (
    "Hollis Architects", "Brick & Line Design", "Northgate Planning", "Studio Farrant",
    "Kestrel Planning Consultants", "Arbour Drawing Services", "Meridian Town Planning",
    "Clayfield Architecture", "Ashworth Planning Ltd", "Greenway Design Studio",
)  # fmt: skip

# Where each group of proposals is sited: (setting, weight). Settings are the dataset a plot
# is placed in, "plain" (nothing within reach), or "listed-on"/"listed-near".
SETTINGS = {
    "southwark": {
        "home": [
            ("plain", 48), ("conservation-area", 21), ("conservation-area-edge", 4),
            (TREES, 7), (ARTICLE_4, 6), ("listed-near", 9), ("listed-on", 5),
        ],
        "permitted": [
            ("plain", 62), ("conservation-area", 14), (TREES, 5), (ARTICLE_4, 10),
            ("listed-near", 9),
        ],
        "minor": [
            ("plain", 40), ("conservation-area", 20), ("conservation-area-edge", 5),
            (TREES, 10), (ARTICLE_4, 15), ("listed-near", 10),
        ],
        "use": [("plain", 35), ("conservation-area", 20), (ARTICLE_4, 35), ("listed-near", 10)],
        "advert": [("plain", 35), ("conservation-area", 30), (ARTICLE_4, 30), ("listed-near", 5)],
        "listed": [("listed-on", 1)],
    },
    "trafford": {
        "home": [
            ("plain", 44), ("conservation-area", 23), ("conservation-area-edge", 4),
            ("woodland-edge", 8), ("greenspace-edge", 6), ("listed-near", 10), ("listed-on", 5),
        ],
        "permitted": [
            ("plain", 68), ("conservation-area", 12), ("woodland-edge", 6),
            ("greenspace-edge", 5), ("listed-near", 9),
        ],
        "minor": [
            ("plain", 45), ("conservation-area", 17), ("woodland-edge", 12),
            ("greenspace-edge", 8), ("listed-near", 10), ("local-nature-reserve-edge", 3),
        ],
        "use": [("plain", 65), ("conservation-area", 25), ("listed-near", 10)],
        "advert": [("plain", 60), ("conservation-area", 30), ("listed-near", 10)],
        "listed": [("listed-on", 1)],
    },
}  # fmt: skip
GROUPS = {
    "larger_home_extension": "permitted",
    "lawful_proposed": "permitted",
    "lawful_existing": "permitted",
    "new_homes": "minor",
    "commercial_works": "minor",
    "change_of_use": "use",
    "prior_approval_homes": "use",
    "advertisement": "advert",
    "listed_building_consent": "listed",
}

# Trafford's reference suffixes by application type.
TRAFFORD_SUFFIXES = {
    "pp.full.householder": "HHA",
    "listed": "LBC",
    "advertConsent": "ADV",
    "ldc.proposed": "CPL",
    "ldc.existing": "CEU",
    "pa.part1.classA": "PAH",
    "pa.part3.classMA": "PAC",
}


@dataclass
class Case:
    """One planned application and what happens to it."""

    proposal: Proposal
    site: Site
    address: Address
    received: datetime.date
    scenario: str  # clean | missing | contradiction
    documents: list[Doc]
    expected_lane: str
    reference: str = ""
    valid_date: datetime.date | None = None
    extension_until: datetime.date | None = None
    decision: tuple[str, datetime.date, str] | None = None  # outcome, date, level
    withdrawn: bool = False
    officer: str | None = None
    # The submission as given, for the ODP examples (read by the API's ODP model).
    fields: dict | None = None

    def submission(self) -> dict:
        if self.fields is not None:
            return self.fields
        p = self.proposal
        return {
            "reference": self.reference,
            "application_type": p.application_type,
            "description": p.description,
            "address": self.address.line,
            "site": self.site.geojson(),
            "site_crs": "EPSG:27700",
            "received_date": self.received,
            "proposed_dwellings": p.dwellings,
            "floorspace_m2": p.floorspace_m2,
            "eia_required": p.eia,
            "project_types": p.project_types,
        }


@dataclass
class Seeded:
    """What seeding one council did, for the command to print."""

    council: Council
    skipped: bool = False
    created: int = 0
    documents: int = 0
    by_type: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    expected_lanes: Counter = field(default_factory=Counter)  # what the plan aimed for
    assigned: Counter = field(default_factory=Counter)  # by officer's username; None: nobody
    officers: list[tuple[str, str]] = field(default_factory=list)
    history: int = 0  # past applications generated for the sites' planning history


# --- Entry point --------------------------------------------------------------------------------


def seed_council(council: Council, *, today: datetime.date | None = None) -> Seeded:
    """Seed one demo council, unless its demo applications are there already.

    Idempotent: a council holding the demo portal's applications is skipped; an interrupted
    run is finished (applications already submitted are left as they are).
    """
    source = COUNCIL_SOURCES[council.code]
    today = today or timezone.localdate()
    result = Seeded(council)
    result.officers = _ensure_officers(council, source)
    held = demo_applications(council).count()
    if held >= GENERATED_PER_COUNCIL + len(ODP_EXAMPLES[source]):
        result.skipped = True
        # A demo seeded before the site history existed gets its history now.
        result.history = ensure_demo_history(council, source)
        return result
    manager = User.objects.filter(council=council, role=Role.MANAGER).order_by("pk").first()
    if manager is None:
        raise LookupError(f"{council} has no manager: run `manage.py load_demo` first.")
    officers = {u.username: u for u in User.objects.filter(council=council, role=Role.OFFICER)}
    cases = plan(source, today) + odp_cases(source, today)
    for case in cases:
        application = _carry_out(council, case, manager, officers)
        if application is None:
            continue
        result.created += 1
        result.documents += len(case.documents)
        result.by_type[case.proposal.application_type] += 1
        result.expected_lanes[case.expected_lane] += 1
        result.assigned[case.officer] += 1
    statuses = PlanningApplication.objects.filter(pk__in=demo_applications(council))
    result.by_status = Counter(statuses.values_list("status", flat=True))
    result.history = ensure_demo_history(council, source)
    return result


def demo_applications(council: Council):
    """The council's applications the demo portal sent."""
    submitted = ApplicationEvent.objects.filter(
        kind="submitted", actor_name=PORTAL.name, application__council=council
    )
    return submitted.values("application_id")


def _ensure_officers(council: Council, source: str) -> list[tuple[str, str]]:
    made = []
    for username, first, last in EXTRA_OFFICERS[source]:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = ensure_user(username, council=council, role=Role.OFFICER, password=DEMO_PASSWORD)
        if (user.first_name, user.last_name) != (first, last):
            user.first_name, user.last_name = first, last
            user.save(update_fields=["first_name", "last_name"])
        made.append((username, f"{first} {last}"))
    return made


def _carry_out(
    council: Council, case: Case, manager: User, officers: dict[str, User]
) -> PlanningApplication | None:
    """Submit the case and do to it what the plan says; None if it was there already."""
    with transaction.atomic():
        submission = ApplicationSubmission.model_validate(case.submission())
        try:
            submitted = submit_application(
                council,
                submission,
                actor=PORTAL,
                source_format=ODP_FORMAT if case.proposal.kind == "odp" else "native",
            )
        except ReferenceConflict:
            return None  # a different demo (another day's plan) holds this reference
        if not submitted.created:
            return None
        application = submitted.application
        for doc in case.documents:
            upload = SimpleUploadedFile(doc.filename, doc.text.encode(), doc.content_type)
            add_document(application, upload, document_type=doc.document_type, actor=PORTAL)
        officer = officers.get(case.officer or "")
        actor = Actor.of(officer) if officer else VALIDATION_TEAM
        if officer:
            application = assign_application(application, officer, by=manager)
        if case.valid_date:
            application = update_application(application, valid_date=case.valid_date, actor=actor)
        if case.extension_until:
            application = update_application(
                application, extension_of_time_until=case.extension_until, actor=actor
            )
        if case.decision:
            outcome, decided, level = case.decision
            application = record_decision(
                application, outcome=outcome, decision_date=decided, level=level, actor=actor
            )
        if case.withdrawn:
            application = update_application(application, withdrawn=True, actor=actor)
        _backdate(application, case)
    return application


def _backdate(application: PlanningApplication, case: Case) -> None:
    """The services stamp what they record "now"; a demo caseload happened over months. Put
    each event on the day it stands for, so the timeline and the "recently updated" tab read
    as a real council's would. (Demo data only: nothing else rewrites history.)"""
    last_day = case.decision[1] if case.decision else case.valid_date or case.received
    if case.withdrawn:
        withdrawn_on = min(last_day + datetime.timedelta(days=21), timezone.localdate())
        PlanningApplication.objects.filter(pk=application.pk).update(withdrawn_date=withdrawn_on)
        PastApplication.objects.filter(application=application).update(decision_date=withdrawn_on)
        last_day = withdrawn_on
    agreed_on = None
    if case.extension_until and case.valid_date:
        agreed_on = min(case.valid_date + datetime.timedelta(days=35), timezone.localdate())
    days = {
        "submitted": (case.received, 9),
        "document_added": (case.received, 9),
        "assigned": (case.valid_date or case.received, 11),
        "valid_date": (case.valid_date, 10),
        "extension_of_time": (agreed_on, 15),
        "decided": (case.decision[1] if case.decision else None, 16),
        "withdrawn": (last_day, 12),
    }
    zone = timezone.get_current_timezone()
    latest = None
    for event in ApplicationEvent.objects.filter(application=application):
        day, hour = days.get(event.kind, (None, 0))
        if day is None:
            continue
        stamped = datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=zone)
        event.at = min(stamped, timezone.now())
        event.save(update_fields=["at"])
        if latest is None or event.at > latest.at:
            latest = event
    if latest is not None:
        PlanningApplication.objects.filter(pk=application.pk).update(
            last_activity_at=latest.at, last_activity=latest.summary
        )


# --- The plan --------------------------------------------------------------------------------


def plan(source: str, today: datetime.date) -> list[Case]:
    """The council's generated applications, oldest first, with their references."""
    rng = random.Random(f"{SEED}-{source}")
    places = Places.load(source, rng)
    queue = [kind for kind, count in kinds.KIND_COUNTS[source].items() for _ in range(count)]
    rng.shuffle(queue)
    cases, majors, pubs = [], 0, 0
    for kind in queue:
        if kind == "major":
            proposal = kinds.major(rng, source, scheme=majors, eia=majors < 2)
            majors += 1
            site, address = _major_site(places, proposal, rng)
        elif kind == "change_of_use" and source == "southwark" and pubs < 2:
            pubs += 1
            site = places.take(places.on_building(ARTICLE_4, names="Public Houses"))
            pub = str(site.feature.attributes.get("area", "")).split("(")[0].strip()
            proposal = kinds.change_of_use(rng, source, pub=pub or "the")
            address = _address(places, site, rng)
        else:
            proposal = kinds.KINDS[kind](rng, source)
            site = _site(places, proposal, rng)
            address = _address(places, site, rng)
        received = _received(rng, today)
        cases.append(_case(source, proposal, site, address, received, today, rng))
    cases.sort(key=lambda case: case.received)
    _number(source, cases, rng)
    return cases


def _site(places: Places, proposal: Proposal, rng: random.Random) -> Site:
    group = GROUPS.get(proposal.kind, "home")
    options = SETTINGS[places.source][group]
    setting = rng.choices([s for s, _ in options], weights=[w for _, w in options])[0]
    if group == "minor":
        width, depth = rng.uniform(14, 30), rng.uniform(25, 45)
    elif group in ("use", "advert"):
        width, depth = rng.uniform(7, 14), rng.uniform(14, 28)
    elif places.source == "trafford":
        width, depth = rng.uniform(9, 17), rng.uniform(22, 40)
    else:
        width, depth = rng.uniform(5.5, 11), rng.uniform(18, 36)
    try:
        if setting == "plain":
            site = places.plain(width, depth)
        elif setting == "listed-on":
            site = places.on_listed_building()
        elif setting == "listed-near":
            site = places.next_to(LISTED, width, depth)
        elif setting.endswith("-edge"):
            site = places.across_edge(setting.removesuffix("-edge"), width, depth)
        else:
            site = places.inside(setting, width, depth)
    except SiteNotFound:
        site = places.plain(width, depth)
    return places.take(site)


def _major_site(places: Places, proposal: Proposal, rng: random.Random) -> tuple[Site, Address]:
    district = next(d for d in DISTRICTS[places.source] if d.name == proposal.details["district"])
    hectares = rng.uniform(0.55, 1.9) if proposal.eia is False else rng.uniform(1.4, 1.95)
    ratio = rng.uniform(0.6, 1.5)
    width = (hectares * 10_000 * ratio) ** 0.5
    site = places.take(places.large(district, width, hectares * 10_000 / width))
    near = nearest_district(places.source, *site.geometry.centroid.coords)
    first, second = rng.sample(near.streets, 2)
    line = rng.choice(
        [
            f"Land at {first} and {second}",
            f"Former depot site, {first}",
            f"{rng.randint(1, 40)}-{rng.randint(41, 90)} {first}",
        ]
    )
    code = postcode(near, rng)
    return site, Address(f"{line}, {near.town}, {code}", first, near, code)


def _address(places: Places, site: Site, rng: random.Random) -> Address:
    """An address for the plot: a listed building's or a tree order's own, when they give one,
    a street named by its conservation area, else a house number on a street of the nearest
    district."""
    x, y = site.geometry.centroid.coords
    district = nearest_district(places.source, x, y)
    feature = site.feature
    if feature is not None and site.setting == f"{LISTED}-on":
        number, street = feature.attributes.get("street_number"), feature.attributes.get("street")
        if not (number and street) and feature.name[:1].isdigit() and "," in feature.name:
            number, street = feature.name.rsplit(",", 1)
            street = street.split("(")[0].strip()
        if number and street:
            # A listing of several houses ("159, 161 and 163"): the application is for one.
            house = re.match(r"\d+[A-Za-z]?", str(number))
            return street_address(district, rng, street=street, house=house and house.group(0))
        named = street_address(district, rng)
        line = f"{feature.name}, {named.street}, {district.town}, {named.postcode}"
        return Address(line, named.street, district, named.postcode)
    if feature is not None and site.setting == TREES:
        parts = feature.name.split(",")[0].split()
        if len(parts) >= 3 and parts[0][0].isdigit() and parts[-1] in STREET_WORDS:
            return street_address(district, rng, street=" ".join(parts[1:]), house=parts[0])
    area = site.affecting(CONSERVATION_AREA)
    if area and area[0].name.split()[-1] in STREET_WORDS and rng.random() < 0.6:
        return street_address(district, rng, street=area[0].name)
    return street_address(district, rng)


STREET_WORDS = {
    "Road", "Street", "Lane", "Avenue", "Grove", "Gardens", "Hill", "Rise", "Place", "Square",
    "Row", "Walk",
}  # fmt: skip


def _received(rng: random.Random, today: datetime.date) -> datetime.date:
    """A working day in the last six months, more of them recent."""
    received = today - datetime.timedelta(days=int(WINDOW_DAYS * rng.random() ** 1.3))
    while received.weekday() >= 5:
        received -= datetime.timedelta(days=1)
    return received


def _number(source: str, cases: list[Case], rng: random.Random) -> None:
    """Council-style references in order of receipt: Southwark's 26/AP/1234 counts from the
    start of each year; Trafford's 117345/HHA/26 runs on across years."""
    last: dict[int, int] = {}
    for case in cases:
        year = case.received.year % 100
        if source == "southwark":
            floor = case.received.timetuple().tm_yday * 11
            number = max(last.get(year, 0) + rng.randint(3, 11), floor)
            last[year] = number
            case.reference = f"{year:02d}/AP/{number:04d}"
        else:
            floor = 116_000 + (case.received - datetime.date(2026, 1, 1)).days * 13
            number = max(last.get(0, 0) + rng.randint(3, 9), floor)
            last[0] = number
            suffix = TRAFFORD_SUFFIXES.get(case.proposal.application_type, "FUL")
            case.reference = f"{number}/{suffix}/{year:02d}"


# --- One case: documents, scenario, what happens to it ------------------------------------------


def _case(
    source: str,
    proposal: Proposal,
    site: Site,
    address: Address,
    received: datetime.date,
    today: datetime.date,
    rng: random.Random,
) -> Case:
    facts = Facts(source, address, proposal, site, rng.choice(APPLICANTS), rng.choice(AGENTS))
    writer = Writer(facts, rng)
    documents = _main_documents(writer, proposal, rng)
    needed = _needed(facts, documents)
    major = _is_major(proposal, site)

    lbc = proposal.kind == "listed_building_consent"
    # An application for listed building consent never denies that the building is listed.
    deniable = [
        dataset
        for dataset in (CONSERVATION_AREA, LISTED, TREES, ARTICLE_4)
        if site.affecting(dataset) and not (lbc and dataset == LISTED)
    ]
    roll = rng.random()
    if not site.constrained and not major:
        scenario = "missing" if roll < 0.15 else "clean"
    elif roll < 0.2 and deniable:
        scenario = "contradiction"
    elif roll < 0.38:
        scenario = "missing"
    else:
        scenario = "clean"
    if scenario == "contradiction":
        facts.deny = {rng.choice(deniable)}
        documents = _main_documents(Writer(facts, rng), proposal, rng)
        if not any(doc.document_type in STATEMENTS for doc in documents):
            # The denial needs a statement to be made in.
            documents.append(Writer(facts, rng).design_and_access())
    missing = rng.choice(sorted(needed - {"flood_claim"})) if scenario == "missing" else None
    if "heritage" in needed and missing != "heritage":
        documents.append(writer.heritage_statement())
    if ("trees" in needed and missing != "trees") or (
        site.affecting("woodland") and rng.random() < 0.7
    ):
        # Trees on or next to the plot: an arboricultural survey, required or not.
        documents.append(writer.tree_survey())
    if "flood" in needed and missing != "flood":
        documents.append(writer.flood_risk_assessment())
    if missing != "location":
        documents.insert(rng.randint(0, len(documents)), writer.location_plan())
    # What the national list and the councils' local lists (policies/data) add. Written without
    # random choices, so the seeded sequence of every other document stays as it was.
    types = {doc.document_type for doc in documents}
    # Every kind of application but prior approvals is made on a form; planning and listed
    # building forms carry the ownership certificate, so a case missing it lacks the form.
    form_only = proposal.application_type.startswith(FORM_WITHOUT_CERTIFICATE)
    if form_only or ("ownership" in needed and missing != "ownership"):
        documents.insert(0, writer.application_form())
    if "cil" in needed and missing != "cil":
        documents.append(writer.cil_form())
    if "bng" in needed and missing != "bng" and "biodiversityNetGain" not in types:
        documents.append(writer.net_gain_statement())
    if "das" in needed and missing != "das" and "designAndAccessStatement" not in types:
        documents.append(writer.design_and_access())
    if "basement" in needed and missing != "basement":
        documents.append(writer.basement_impact_assessment())
    if "ecology" in needed and missing != "ecology":
        documents.append(writer.ecological_survey())

    claims_present = bool(site.affecting()) or "flood_claim" in needed
    if scenario != "clean":
        lane = "needs-attention"
    elif site.constrained or major or claims_present:
        lane = "standard"
    else:
        lane = "fast-track"
    case = Case(proposal, site, address, received, scenario, documents, lane)
    _history(case, source, today, rng)
    return case


# Kinds of application made on a form that has no ownership certificate.
FORM_WITHOUT_CERTIFICATE = ("ldc.", "advertConsent", "wtt.consent", "amendment.nonMaterial")

# Documents that say what the site is (and so can deny a designation).
STATEMENTS = ("designAndAccessStatement", "planningStatement", "otherSupporting")


def _main_documents(writer: Writer, proposal: Proposal, rng: random.Random) -> list[Doc]:
    """The statements that come with each kind of application (without the location plan and
    the documents a constraint calls for, which the case adds)."""
    kind = proposal.application_type
    if proposal.kind == "listed_building_consent":
        return [writer.drawings()]  # and the heritage statement the listing calls for
    if kind == "pp.full.householder":
        if rng.random() < 0.6:
            documents = [writer.design_and_access()]
            return documents + ([writer.drawings()] if rng.random() < 0.4 else [])
        return [writer.drawings()]
    if kind.startswith("pa."):
        return [writer.prior_approval_statement()]
    if kind.startswith("ldc."):
        return [writer.lawful_statement()] + ([writer.drawings()] if rng.random() < 0.5 else [])
    if kind == "advertConsent":
        return [writer.sign_details()]
    if kind == "pp.full":
        return [writer.planning_statement()]
    documents = [writer.planning_statement()]
    if proposal.major or rng.random() < 0.5:
        documents.append(writer.design_and_access())
    if proposal.major or rng.random() < 0.6:
        documents.append(writer.biodiversity())
    if proposal.eia:
        documents.append(writer.environmental_statement())
    return documents


def _needed(facts: Facts, documents: list[Doc]) -> set[str]:
    """The documents triage will look for, by the validation lists it applies (the national
    list and the demo councils' local lists in policies/data)."""
    site, proposal = facts.site, facts.proposal
    kind = proposal.application_type
    planning = kind.startswith("pp.")
    new_homes = bool(proposal.dwellings)
    floorspace = proposal.floorspace_m2 or 0
    needed = {"location"}
    if planning or kind == "listed":
        needed.add("ownership")
    if planning and (new_homes or floorspace >= 100):
        needed.add("cil")
    if planning and not proposal.householder:
        needed.add("bng")
    in_area = bool(site.affecting(CONSERVATION_AREA))
    if kind == "listed" or (
        planning and (proposal.major or (in_area and (new_homes or floorspace >= 100)))
    ):
        needed.add("das")
    if planning and facts.source == "southwark" and proposal.details.get("works") == "basement":
        needed.add("basement")
    ecology = ("site-of-special-scientific-interest", "local-nature-reserve")
    if planning and facts.source == "trafford" and site.affecting(*ecology):
        needed.add("ecology")
    if site.affecting(CONSERVATION_AREA, LISTED) or site.nearby(LISTED):
        needed.add("heritage")
    if site.affecting(TREES):
        needed.add("trees")
    flood_claim = facts.flood_zone == "3" and any(
        doc.document_type == "planningStatement" for doc in documents
    )
    if flood_claim or site.area_m2 >= 10_000:
        needed.add("flood")
    if flood_claim:
        needed.add("flood_claim")
    return needed


def _is_major(proposal: Proposal, site: Site) -> bool:
    return (
        (proposal.dwellings or 0) >= 10
        or (proposal.floorspace_m2 or 0) >= 1000
        or site.area_m2 >= 10_000
    )


# Days from the valid date to a decision, by kind of application.
DECISION_DAYS = {
    "pp.full.householder": (30, 80),
    "pa.part1.classA": (25, 42),
    "ldc.proposed": (20, 70),
    "ldc.existing": (30, 90),
    "advertConsent": (30, 70),
    "listed": (40, 100),
    "pp.full": (45, 100),
    "pp.full.minor": (50, 120),
    "pp.full.major": (80, 170),
    "pa.part3.classMA": (40, 56),
}


def _history(case: Case, source: str, today: datetime.date, rng: random.Random) -> None:
    """Valid date, extension of time, decision, withdrawal and officer, as a council's year
    would have them: older applications mostly decided, some late, the newest not yet valid."""
    p = case.proposal
    chance_valid = {"clean": 0.92, "contradiction": 0.75, "missing": 0.4}[case.scenario]
    lag = rng.choice([0, 1, 2, 3, 5, 7, 9, 12, 16, 21, 28])
    valid = case.received + datetime.timedelta(days=lag)
    if valid <= today and rng.random() < chance_valid:
        case.valid_date = valid
    withdrawn = rng.random() < 0.025
    if case.valid_date and not withdrawn:
        low, high = DECISION_DAYS.get(p.application_type, (40, 100))
        if p.eia:
            low, high = 100, 200
        days = rng.randint(low, high)
        decided = case.valid_date + datetime.timedelta(days=days)
        statutory = _statutory_deadline(case)
        if decided > statutory and rng.random() < 0.3:
            case.extension_until = max(decided, statutory + datetime.timedelta(days=7)) + (
                datetime.timedelta(days=rng.randint(0, 21))
            )
        elif decided > today and statutory < today and rng.random() < 0.2:
            case.extension_until = today + datetime.timedelta(days=rng.randint(10, 45))
        if decided <= today and rng.random() < 0.8:
            refused = 0.25 if case.scenario != "clean" else 0.1
            outcome = "refused" if rng.random() < refused else "granted"
            committee = (p.major and rng.random() < 0.85) or rng.random() < 0.08
            case.decision = (outcome, decided, "committee" if committee else "delegated")
    case.withdrawn = withdrawn
    # Work is assigned once valid (or decided); a few new arrivals already have an officer.
    chance = 1.0 if case.decision or case.withdrawn else 0.95 if case.valid_date else 0.3
    if rng.random() < chance:
        case.officer = _officer(source, rng)


def _statutory_deadline(case: Case) -> datetime.date:
    p = case.proposal
    category = categorise(
        p.application_type,
        dwellings=p.dwellings,
        floorspace_m2=p.floorspace_m2,
        site_area_m2=case.site.area_m2,
        project_types=p.project_types,
    )
    clock = statutory_clock(
        case.valid_date, category=category, eia_required=p.eia, extension_of_time_until=None
    )
    assert clock.statutory_deadline is not None
    return clock.statutory_deadline


def _officer(source: str, rng: random.Random) -> str:
    """An officer's username; the first demo login carries the most work."""
    names = [f"{source}-officer"] + [username for username, _, _ in EXTRA_OFFICERS[source]]
    return rng.choices(names, weights=[4, 2, 2, 2])[0]


# --- The Open Digital Planning examples ----------------------------------------------------------


def odp_cases(source: str, today: datetime.date) -> list[Case]:
    """The ODP examples for the council, read by the API's own ODP model and received in the
    last few weeks. Their documents are written from the files each example lists."""
    rng = random.Random(f"{SEED}-{source}-odp")
    cases = []
    for filename, days_ago in ODP_EXAMPLES[source]:
        raw = json.loads((ODP_DIR / filename).read_text())
        fields = OdpApplication.model_validate(raw).submission_fields()
        fields["received_date"] = today - datetime.timedelta(days=days_ago)
        geometry = ApplicationSubmission.model_validate(fields).site_geometry
        site = Site(geometry[0], check_site(geometry), "odp")
        district = nearest_district(source, *site.geometry.centroid.coords)
        parts = [part.strip().title() for part in fields["address"].split(",")]
        street = next((part for part in parts if part.split()[-1] in STREET_WORDS), "")
        address = Address(fields["address"], street or district.streets[0], district, "")
        proposal = Proposal(
            "odp",
            fields["application_type"],
            fields["description"],
            fields["project_types"],
            dwellings=fields["proposed_dwellings"],
            floorspace_m2=fields["floorspace_m2"],
        )
        facts = Facts(source, address, proposal, site, rng.choice(APPLICANTS), "PlanX")
        writer = Writer(facts, rng)
        documents = [_odp_document(writer, entry) for entry in raw.get("files", [])]
        case = Case(proposal, site, address, fields["received_date"], "odp", documents, "")
        case.reference, case.fields = fields["reference"], fields
        case.officer = f"{source}-officer" if rng.random() < 0.5 else None
        cases.append(case)
    return cases


def _odp_document(writer: Writer, entry: dict) -> Doc:
    """A text document standing in for a file an ODP example lists (the files themselves are
    not in the examples)."""
    kinds_listed = [kind["value"] if isinstance(kind, dict) else kind for kind in entry["type"]]
    kind = kinds_listed[0]
    if kind == "heritageStatement":
        doc = writer.heritage_statement()
    elif kind in ("treeConditionReport", "treeSurvey", "arboriculturistReport"):
        doc = writer.tree_survey(works_to_trees=writer.p.application_type.startswith("wtt"))
    else:
        doc = writer.drawing_note(kind if kind in DOCUMENT_TYPES else "otherDrawing")
    suffix = Path(doc.filename).suffix
    return Doc(f"{kind}{suffix}", kind if kind in DOCUMENT_TYPES else "other", doc.text)
