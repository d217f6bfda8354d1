"""What the demo applications propose: Open Digital Planning application and project types,
descriptions in the words officers read, and the figures that go with them.

Each kind of proposal is a function of a seeded `random.Random` and the council, returning a
`Proposal`; `KIND_COUNTS` says how many of each kind a council receives. The `details` of a
proposal (depths, heights, materials, uses) are what its documents describe.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Proposal:
    kind: str
    application_type: str
    description: str
    project_types: list[str]
    dwellings: int | None = None
    floorspace_m2: float | None = None
    eia: bool = False
    details: dict = field(default_factory=dict)

    @property
    def householder(self) -> bool:
        return self.application_type == "pp.full.householder"

    @property
    def major(self) -> bool:
        return self.application_type == "pp.full.major"


# How many of each kind of proposal each council receives (160 each).
KIND_COUNTS = {
    "southwark": {
        "rear_extension": 28,
        "loft": 16,
        "side_extension": 6,
        "outbuilding": 6,
        "porch": 4,
        "windows": 7,
        "basement": 3,
        "equipment": 4,
        "larger_home_extension": 8,
        "lawful_proposed": 13,
        "lawful_existing": 3,
        "new_homes": 15,
        "commercial_works": 6,
        "change_of_use": 12,
        "listed_building_consent": 10,
        "advertisement": 8,
        "major": 8,
        "prior_approval_homes": 3,
    },
    "trafford": {
        "rear_extension": 30,
        "loft": 14,
        "side_extension": 12,
        "outbuilding": 6,
        "porch": 5,
        "windows": 4,
        "driveway": 4,
        "equipment": 4,
        "larger_home_extension": 9,
        "lawful_proposed": 13,
        "lawful_existing": 3,
        "new_homes": 14,
        "commercial_works": 6,
        "change_of_use": 10,
        "listed_building_consent": 8,
        "advertisement": 8,
        "major": 8,
        "prior_approval_homes": 2,
    },
}

HOUSEHOLDER = "pp.full.householder"


def _metres(rng: random.Random, low: float, high: float, step: float = 0.1) -> float:
    return round(rng.uniform(low, high) / step) * step


def rear_extension(rng: random.Random, source: str) -> Proposal:
    depth = _metres(rng, 3.0, 6.0, 0.5)
    width = _metres(rng, 4.5, 8.0, 0.1)
    height = _metres(rng, 2.9, 3.6)
    rooflights = rng.choice([1, 2, 2, 3])
    options = [
        ("Erection of a single storey rear extension", ["extend.rear"]),
        (
            f"Erection of a single storey rear extension with {rooflights} rooflights",
            ["extend.rear"],
        ),
        (
            "Demolition of the existing conservatory and erection of a single storey rear "
            "extension",
            ["demolish.part.conservatory", "extend.rear"],
        ),
        ("Erection of a part single, part two storey rear extension", ["extend.rear"]),
        ("Erection of a first floor rear extension above the existing kitchen", ["extend.rear"]),
    ]
    if source == "southwark":
        options += [
            ("Erection of a single storey rear and side infill extension", ["extend.rear"]),
            (
                "Erection of a single storey side return infill extension with a glazed roof",
                ["extend.rear.side"],
            ),
        ]
    else:
        options += [
            (
                "Erection of a single storey rear extension and alterations to the side "
                "elevation including a new door",
                ["extend.rear", "alter.openings.add.door.side"],
            ),
            (
                "Erection of a two storey rear extension and a single storey front porch",
                ["extend.rear", "extend.porch.front"],
            ),
        ]
    description, projects = rng.choice(options)
    two_storey = "two storey" in description
    area = round(depth * width * (2 if two_storey else 1))
    return Proposal(
        "rear_extension",
        HOUSEHOLDER,
        description,
        projects,
        floorspace_m2=float(area),
        details={
            "depth": depth,
            "width": width,
            "height": height + (2.6 if two_storey else 0),
            "rooflights": rooflights,
            "area": area,
            "works": "rear extension",
        },
    )


def loft(rng: random.Random, source: str) -> Proposal:
    rooflights = rng.choice([2, 2, 3])
    options = [
        (
            f"Erection of a rear dormer roof extension and installation of {rooflights} "
            "rooflights to the front roof slope to facilitate a loft conversion",
            ["extend.roof.dormer.rear", "alter.rooflight"],
        ),
        (
            "Hip to gable roof extension and rear dormer to facilitate a loft conversion",
            ["extend.roof.hipToGable", "extend.roof.dormer.rear"],
        ),
    ]
    if source == "southwark":
        options += [
            (
                "Erection of a mansard roof extension to the rear roof slope",
                ["extend.roof.mansard"],
            ),
            (
                "Loft conversion with an L-shaped dormer over the main roof and rear outrigger",
                ["extend.roof.dormer.rear"],
            ),
        ]
    else:
        options += [
            (
                "Loft conversion with a flat-roofed rear dormer and a Juliet balcony",
                ["extend.roof.dormer.rear", "alter.balcony"],
            ),
        ]
    description, projects = rng.choice(options)
    area = rng.randint(14, 28)
    return Proposal(
        "loft",
        HOUSEHOLDER,
        description,
        projects,
        floorspace_m2=float(area),
        details={
            "rooflights": rooflights,
            "area": area,
            "dormer_width": _metres(rng, 3.0, 5.5),
            "works": "loft conversion",
        },
    )


def side_extension(rng: random.Random, source: str) -> Proposal:
    options = [
        ("Erection of a two storey side extension", ["extend.side"]),
        (
            "Erection of a two storey side extension and single storey rear extension",
            ["extend.side", "extend.rear"],
        ),
    ]
    if source == "trafford":
        options += [
            (
                "Erection of a single storey side extension following demolition of the "
                "existing garage",
                ["demolish.outbuilding", "extend.side"],
            ),
            (
                "Erection of a two storey side extension with a garage at ground floor",
                ["extend.side"],
            ),
        ]
    description, projects = rng.choice(options)
    width = _metres(rng, 2.4, 3.8)
    area = round(width * _metres(rng, 6.5, 9.5) * (2 if "two storey" in description else 1))
    return Proposal(
        "side_extension",
        HOUSEHOLDER,
        description,
        projects,
        floorspace_m2=float(area),
        details={"width": width, "area": area, "works": "side extension"},
    )


def outbuilding(rng: random.Random, source: str) -> Proposal:
    use = rng.choice(["home office", "garden room", "gym", "studio"])
    options = [
        (
            f"Erection of a single storey outbuilding in the rear garden for use as a {use}",
            ["extend.outbuilding.office" if use == "home office" else "extend.outbuilding"],
        ),
        (
            "Erection of a garden room at the end of the rear garden, ancillary to the main house",
            ["extend.outbuilding"],
        ),
    ]
    if source == "trafford":
        options.append(("Erection of a detached double garage", ["extend.outbuilding.garage"]))
    description, projects = rng.choice(options)
    area = rng.randint(12, 30)
    return Proposal(
        "outbuilding",
        HOUSEHOLDER,
        description,
        projects,
        floorspace_m2=float(area),
        details={"area": area, "height": _metres(rng, 2.4, 2.5, 0.1), "works": "outbuilding"},
    )


def porch(rng: random.Random, source: str) -> Proposal:
    description, projects = rng.choice(
        [
            ("Erection of a front porch", ["extend.porch.front"]),
            (
                "Erection of a single storey front extension incorporating a porch and WC",
                ["extend.front", "extend.porch.front"],
            ),
        ]
    )
    area = rng.randint(3, 9)
    return Proposal(
        "porch",
        HOUSEHOLDER,
        description,
        projects,
        floorspace_m2=float(area),
        details={"area": area, "works": "porch"},
    )


def windows(rng: random.Random, source: str) -> Proposal:
    description = rng.choice(
        [
            "Replacement of the timber sash windows to the front and rear elevations with "
            "double-glazed timber sash windows",
            "Replacement of the front windows and door with double-glazed uPVC units",
            "Installation of replacement timber windows and a new rear door",
        ]
    )
    return Proposal(
        "windows",
        HOUSEHOLDER,
        description,
        ["alter.replace.windowsToWindows"],
        details={"works": "replacement windows"},
    )


def basement(rng: random.Random, source: str) -> Proposal:
    area = rng.randint(35, 70)
    return Proposal(
        "basement",
        HOUSEHOLDER,
        rng.choice(
            [
                "Excavation of a basement beneath the house with a rear lightwell",
                "Excavation of a basement under the footprint of the house with front and rear "
                "lightwells and a walk-on rooflight",
            ]
        ),
        ["extend.basement.new", "extend.basement.lightwell"],
        floorspace_m2=float(area),
        details={"area": area, "works": "basement"},
    )


def driveway(rng: random.Random, source: str) -> Proposal:
    description = rng.choice(
        [
            "Formation of a vehicle crossing and hardstanding in the front garden",
            "Widening of the existing driveway and a new front boundary wall with gates",
        ]
    )
    return Proposal(
        "driveway",
        HOUSEHOLDER,
        description,
        ["alter.surfaces.parking.new", "alter.highways.droppedKerb.add"],
        details={"works": "driveway"},
    )


def equipment(rng: random.Random, source: str) -> Proposal:
    description, projects, item = rng.choice(
        [
            (
                "Installation of an air source heat pump on the side elevation",
                ["alter.equipment.heatPump.air"],
                "heat pump",
            ),
            (
                "Installation of solar panels on the rear roof slope",
                ["alter.equipment.solar.pv"],
                "solar panels",
            ),
        ]
    )
    return Proposal(
        "equipment",
        HOUSEHOLDER,
        description,
        projects,
        details={"works": "equipment", "item": item},
    )


def larger_home_extension(rng: random.Random, source: str) -> Proposal:
    detached = source == "trafford" and rng.random() < 0.4
    depth = _metres(rng, 6.5, 8.0, 0.5) if detached else _metres(rng, 4.0, 6.0, 0.5)
    height = _metres(rng, 3.0, 3.9)
    eaves = min(height - 0.3, _metres(rng, 2.6, 3.0))
    return Proposal(
        "larger_home_extension",
        "pa.part1.classA",
        f"Prior approval for a single storey rear extension extending {depth:.1f} m beyond the "
        f"original rear wall, with a maximum height of {height:.1f} m and an eaves height of "
        f"{eaves:.1f} m",
        ["extend.rear"],
        details={
            "depth": depth,
            "height": height,
            "eaves": eaves,
            "detached": detached,
            "works": "rear extension",
        },
    )


def lawful_proposed(rng: random.Random, source: str) -> Proposal:
    rooflights = rng.choice([2, 3])
    description, projects, works = rng.choice(
        [
            (
                f"Certificate of lawfulness (proposed) for a loft conversion with a rear dormer "
                f"and {rooflights} front rooflights",
                ["extend.roof.dormer.rear", "alter.rooflight"],
                "loft conversion",
            ),
            (
                "Certificate of lawfulness (proposed) for a single storey rear extension",
                ["extend.rear"],
                "rear extension",
            ),
            (
                "Certificate of lawfulness (proposed) for an outbuilding in the rear garden for "
                "use as a gym",
                ["extend.outbuilding.gym"],
                "outbuilding",
            ),
            (
                "Certificate of lawfulness (proposed) for the installation of solar panels on "
                "the roof",
                ["alter.equipment.solar.pv"],
                "solar panels",
            ),
            (
                "Certificate of lawfulness (proposed) for a hip to gable roof extension and rear "
                "dormer",
                ["extend.roof.hipToGable", "extend.roof.dormer.rear"],
                "loft conversion",
            ),
        ]
    )
    return Proposal(
        "lawful_proposed",
        "ldc.proposed",
        description,
        projects,
        details={
            "works": works,
            "volume": rng.randint(22, 39),
            "depth": _metres(rng, 2.5, 3.0, 0.5),
            "rooflights": rooflights,
        },
    )


def lawful_existing(rng: random.Random, source: str) -> Proposal:
    year = rng.randint(2005, 2019)
    description, projects = rng.choice(
        [
            (
                "Certificate of lawfulness (existing) for the use of the property as two "
                "self-contained flats",
                ["changeOfUse.whole"],
            ),
            (
                f"Certificate of lawfulness (existing) for a single storey rear extension "
                f"completed in {year}",
                ["extend.rear"],
            ),
            (
                f"Certificate of lawfulness (existing) for the use of the rear outbuilding as a "
                f"home office since {year}",
                ["changeOfUse.outbuilding"],
            ),
        ]
    )
    return Proposal(
        "lawful_existing",
        "ldc.existing",
        description,
        projects,
        details={"year": year, "works": "existing"},
    )


FLAT_MIXES = {
    3: "1 x 1-bed, 1 x 2-bed and 1 x 3-bed",
    4: "2 x 1-bed and 2 x 2-bed",
    5: "2 x 1-bed, 2 x 2-bed and 1 x 3-bed",
    6: "2 x 1-bed, 3 x 2-bed and 1 x 3-bed",
    8: "3 x 1-bed, 4 x 2-bed and 1 x 3-bed",
}


def new_homes(rng: random.Random, source: str) -> Proposal:
    flats = rng.choice(sorted(FLAT_MIXES))
    houses = rng.randint(3, 5)
    options: list[tuple[str, list[str], int, int, int]] = [
        # description, project types, dwellings, floorspace, storeys
        (
            "Demolition of garages and erection of two dwellings",
            ["demolish.outbuilding", "new.residential.dwelling"],
            2,
            rng.randint(170, 210),
            2,
        ),
        (
            f"Demolition of the existing garages and erection of a terrace of {houses} two "
            f"storey houses with parking and landscaping",
            ["demolish.outbuilding", "new.residential.dwelling"],
            houses,
            houses * rng.randint(85, 105),
            2,
        ),
        (
            f"Erection of a {'three' if flats < 6 else 'four'} storey building comprising "
            f"{flats} self-contained flats ({FLAT_MIXES[flats]})",
            ["new.dwelling.flat"],
            flats,
            flats * rng.randint(58, 72),
            3 if flats < 6 else 4,
        ),
        (
            "Erection of a two storey end-of-terrace dwelling on land at the side of the existing "
            "house",
            ["new.residential.dwelling"],
            1,
            rng.randint(85, 110),
            2,
        ),
    ]
    if source == "southwark":
        options += [
            (
                "Erection of a mansard roof extension to create a two-bedroom flat",
                ["extend.roof.mansard", "new.dwelling.flat"],
                1,
                rng.randint(60, 75),
                4,
            ),
            (
                "Conversion of the existing house into 3 self-contained flats with a rear "
                "dormer roof extension",
                ["extend.roof.dormer.rear", "new.dwelling.flat"],
                2,
                rng.randint(20, 30),
                3,
            ),
        ]
    else:
        options += [
            (
                "Demolition of the existing bungalow and erection of 2 detached houses",
                ["demolish.full", "new.residential.dwelling"],
                1,
                rng.randint(260, 320),
                2,
            ),
            (
                "Erection of a detached dormer bungalow in the rear garden with a new access drive",
                ["new.residential.dwelling"],
                1,
                rng.randint(110, 140),
                1,
            ),
        ]
    description, projects, dwellings, floorspace, storeys = rng.choice(options)
    return Proposal(
        "new_homes",
        "pp.full.minor",
        description,
        projects,
        dwellings=dwellings,
        floorspace_m2=float(floorspace),
        details={"storeys": storeys, "works": "new homes"},
    )


def commercial_works(rng: random.Random, source: str) -> Proposal:
    area = rng.randint(30, 90)
    offices = rng.randint(150, 600)
    units = rng.randint(350, 900)
    options = [
        (
            "Erection of a single storey rear extension to the shop to provide additional storage",
            ["extend.rear"],
            float(area),
        ),
        (
            "Installation of a new shopfront with an accessible entrance and an open-mesh "
            "security shutter",
            ["alter.shopfronts"],
            None,
        ),
        (
            f"Erection of a two storey building providing {offices} m² of office floorspace "
            f"(Class E(g)(i))",
            ["new.office"],
            float(offices),
        ),
    ]
    if source == "trafford":
        options.append(
            (
                f"Erection of a light industrial unit (Class E(g)(iii)) of {units} m² with "
                f"ancillary parking",
                ["new.industrial"],
                float(units),
            )
        )
    else:
        options.append(
            (
                "Single storey extension to the community hall and a new accessible entrance ramp",
                ["extend.rear"],
                float(area),
            )
        )
    description, projects, floorspace = rng.choice(options)
    return Proposal(
        "commercial_works",
        "pp.full.minor",
        description,
        projects,
        floorspace_m2=floorspace,
        details={"works": "commercial"},
    )


CHANGES_OF_USE = {
    "southwark": [
        (
            "Change of use of the ground floor from a shop (Class E) to a hot food takeaway "
            "(sui generis) and installation of an extraction flue to the rear",
            "shop",
            "hot food takeaway",
        ),
        (
            "Change of use from a dwellinghouse (Class C3) to a house in multiple occupation for "
            "up to six people (Class C4)",
            "house",
            "house in multiple occupation",
        ),
        (
            "Change of use of the ground floor from a bank (Class E) to an adult gaming centre "
            "(sui generis)",
            "bank",
            "adult gaming centre",
        ),
        (
            "Change of use of the first floor from offices (Class E) to a place of worship "
            "(Class F1)",
            "offices",
            "place of worship",
        ),
    ],
    "trafford": [
        (
            "Change of use from a dwellinghouse (Class C3) to a children's home (Class C2) for up "
            "to three young people",
            "house",
            "children's home",
        ),
        (
            "Change of use of land to a hand car wash with erection of a canopy and a valeting "
            "cabin",
            "vacant land",
            "hand car wash",
        ),
        (
            "Change of use of the ground floor from a shop (Class E) to a hot food takeaway "
            "(sui generis) and installation of an extraction flue to the rear",
            "shop",
            "hot food takeaway",
        ),
        (
            "Change of use of the first floor from offices (Class E) to a place of worship "
            "(Class F1)",
            "offices",
            "place of worship",
        ),
    ],
}


def change_of_use(rng: random.Random, source: str, *, pub: str = "") -> Proposal:
    if pub:
        description = (
            f"Change of use of {pub} public house (sui generis) to a restaurant (Class E(b)) "
            f"with an ancillary bar and alterations to the rear yard"
        )
        existing, proposed = "public house", "restaurant"
    else:
        description, existing, proposed = rng.choice(CHANGES_OF_USE[source])
    projects = ["changeOfUse.land"] if existing == "vacant land" else ["changeOfUse.whole"]
    return Proposal(
        "change_of_use",
        "pp.full",
        description,
        projects,
        details={"from": existing, "to": proposed, "works": "change of use"},
    )


def listed_building_consent(rng: random.Random, source: str) -> Proposal:
    description, projects = rng.choice(
        [
            (
                "Listed building consent for internal alterations including removal of a later "
                "partition, a new kitchen and bathroom, and upgrading of services",
                ["alter.internal"],
            ),
            (
                "Listed building consent for the replacement of the rear sash windows like for "
                "like and repairs to the front railings",
                ["alter.replace.windowsToWindows", "alter.boundary.repair"],
            ),
            (
                "Listed building consent for the installation of slimline secondary glazing to "
                "the front windows",
                ["alter.secondaryGlazing"],
            ),
            (
                "Listed building consent for repointing the front elevation in lime mortar and "
                "repairs to the roof",
                ["alter.facades.repair", "alter.roof.materials"],
            ),
            (
                "Listed building consent for the removal of a later rear addition and erection "
                "of a single storey rear extension",
                ["demolish.listed.part", "extend.rear"],
            ),
        ]
    )
    return Proposal(
        "listed_building_consent",
        "listed",
        description,
        projects,
        details={"works": "listed building works"},
    )


def advertisement(rng: random.Random, source: str) -> Proposal:
    options = [
        (
            "Display of one internally illuminated fascia sign and one internally illuminated "
            "projecting sign",
            True,
        ),
        ("Display of a non-illuminated fascia sign and a hanging sign", False),
        ("Display of two externally illuminated fascia signs and window vinyls", True),
        (
            "Display of a temporary hoarding sign around the construction site for 24 months",
            False,
        ),
    ]
    if source == "trafford":
        options.append(("Display of a freestanding double-sided digital advertisement", True))
    description, lit = rng.choice(options)
    return Proposal(
        "advertisement",
        "advertConsent",
        description,
        ["alter.sign"],
        details={
            "illuminated": lit,
            "luminance": rng.choice([250, 300, 400, 600]),
            "works": "sign",
        },
    )


# Major schemes: (district to build in, description, project types, dwellings range or None,
# floorspace range, storeys of the tallest part). The first two of each council need an EIA.
MAJORS = {
    "southwark": [
        (
            "Old Kent Road",
            "Demolition of the existing buildings and erection of three buildings of between 6 "
            "and 14 storeys providing {dwellings} homes (Class C3) and {floorspace} m² of "
            "commercial floorspace (Class E) at ground floor, with landscaping, cycle parking "
            "and a new public square",
            ["demolish.full", "new.residential.dwelling"],
            (180, 320),
            (900, 2400),
            14,
        ),
        (
            "Surrey Quays",
            "Redevelopment of the former warehouse site to provide {dwellings} homes in two "
            "blocks of 5 and 9 storeys, with a ground floor nursery and communal gardens",
            ["demolish.full", "new.residential.dwelling"],
            (60, 140),
            (400, 700),
            9,
        ),
        (
            "South Bermondsey",
            "Demolition of the light industrial units and erection of a 7 storey building "
            "providing {floorspace} m² of workspace (Class E(g)) and {dwellings} homes",
            ["demolish.full", "new.office", "new.residential.dwelling"],
            (25, 60),
            (1500, 3500),
            7,
        ),
        (
            "Peckham",
            "Erection of a four storey extension to the secondary school providing 12 "
            "classrooms and a sports hall of {floorspace} m² in total",
            ["extend"],
            None,
            (1800, 3200),
            4,
        ),
        (
            "Walworth",
            "Erection of a 6 storey building providing student accommodation of {floorspace} m² "
            "(sui generis) with a ground floor café",
            ["new.other"],
            None,
            (4500, 8000),
            6,
        ),
        (
            "Camberwell",
            "Demolition of the car showroom and erection of a part 5, part 8 storey building "
            "providing {dwellings} homes (35% affordable) and a ground floor shop",
            ["demolish.full", "new.residential.dwelling"],
            (40, 90),
            (200, 450),
            8,
        ),
    ],
    "trafford": [
        (
            "Trafford Park",
            "Erection of a warehouse and distribution building (Class B8) of {floorspace} m² "
            "with ancillary offices, a service yard, car parking and landscaping",
            ["new.warehouse"],
            None,
            (9000, 24000),
            2,
        ),
        (
            "Carrington",
            "Erection of {dwellings} dwellings with a new access from Manchester Road, public "
            "open space, drainage and landscaping",
            ["new.residential.dwelling"],
            (150, 260),
            (12000, 20000),
            3,
        ),
        (
            "Stretford",
            "Demolition of the existing retail units and erection of a part 8, part 12 storey "
            "building providing {dwellings} apartments (Class C3) and {floorspace} m² of "
            "commercial space at ground floor",
            ["demolish.full", "new.residential.dwelling"],
            (90, 180),
            (400, 900),
            12,
        ),
        (
            "Altrincham",
            "Redevelopment of the former office building to provide {dwellings} apartments in a "
            "6 storey building with undercroft parking",
            ["demolish.full", "new.residential.dwelling"],
            (30, 70),
            (200, 400),
            6,
        ),
        (
            "Timperley",
            "Erection of a 66-bed care home (Class C2) of {floorspace} m² with parking and "
            "landscaping",
            ["new.other"],
            None,
            (3200, 4200),
            3,
        ),
        (
            "Broadheath",
            "Erection of four industrial units (Class E(g)(iii), B2 and B8) totalling "
            "{floorspace} m² with a shared service yard",
            ["new.industrial"],
            None,
            (2500, 6000),
            2,
        ),
    ],
}


def major(rng: random.Random, source: str, *, scheme: int, eia: bool) -> Proposal:
    district, template, projects, dwelling_range, floor_range, storeys = MAJORS[source][
        scheme % len(MAJORS[source])
    ]
    dwellings = rng.randint(*dwelling_range) if dwelling_range else None
    floorspace = round(rng.randint(*floor_range), -1)
    description = template.format(dwellings=dwellings, floorspace=f"{floorspace:,}")
    return Proposal(
        "major",
        "pp.full.major",
        description,
        projects,
        dwellings=dwellings,
        floorspace_m2=float(floorspace),
        eia=eia,
        details={"district": district, "works": "major", "storeys": storeys},
    )


def prior_approval_homes(rng: random.Random, source: str) -> Proposal:
    flats = rng.randint(1, 4) if source == "southwark" else rng.randint(4, 9)
    existing = "a shop" if source == "southwark" and flats == 1 else "offices"
    floors = "the ground floor" if existing == "a shop" else "the upper floors"
    noun = "flat" if flats == 1 else "flats"
    return Proposal(
        "prior_approval_homes",
        "pa.part3.classMA",
        f"Prior approval for the change of use of {floors} from {existing} (Class E) to "
        f"{flats} self-contained {noun} (Class C3)",
        ["changeOfUse.whole", "new.dwelling.flat"],
        dwellings=flats,
        details={"from": existing, "to": "flats", "works": "change of use"},
    )


KINDS: dict[str, Callable[..., Proposal]] = {
    "rear_extension": rear_extension,
    "loft": loft,
    "side_extension": side_extension,
    "outbuilding": outbuilding,
    "porch": porch,
    "windows": windows,
    "basement": basement,
    "driveway": driveway,
    "equipment": equipment,
    "larger_home_extension": larger_home_extension,
    "lawful_proposed": lawful_proposed,
    "lawful_existing": lawful_existing,
    "new_homes": new_homes,
    "commercial_works": commercial_works,
    "change_of_use": change_of_use,
    "listed_building_consent": listed_building_consent,
    "advertisement": advertisement,
    "prior_approval_homes": prior_approval_homes,
}
