"""Sites for demo applications: small plots inside a council's constraint layers, next to
listed buildings, and plain plots touching nothing, with plausible addresses.

Every site is checked with `geo.services.check_site`, the very check triage runs, so a site
meant to be plain really has no constraint within reach, and one meant to be in a
conservation area really is. Everything is drawn from a seeded `random.Random`, so the same
layers give the same sites.
"""

import math
import random
import re
from dataclasses import dataclass, field

from django.contrib.gis.db.models import Collect, GeometryField
from django.contrib.gis.db.models.functions import PointOnSurface
from django.contrib.gis.geos import GEOSGeometry, Point, Polygon
from django.db.models import Func, Value

from geo.models import BNG_SRID, ConstraintFeature
from geo.services import NEARBY, ConstraintHit, check_site

LISTED_BUILDING = "listed-building"

# Which of the demo layers' sources belongs to which demo council.
COUNCIL_SOURCES = {"E09000028": "southwark", "E08000009": "trafford"}

# Letters Royal Mail uses in the last two characters of a postcode.
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True)
class District:
    """A neighbourhood: where it is (British National Grid), its postal district and sectors,
    the town in an address, and some of its real streets."""

    name: str
    easting: float
    northing: float
    postcode_district: str
    sectors: tuple[int, ...]
    town: str
    streets: tuple[str, ...]


# Where plain house plots are drawn: districts with few homes (the City fringe, the
# industrial estates, the mosses and farmland of west Trafford) get fewer of them.
HOMES_WEIGHT = {
    "Bankside": 0.3,
    "Borough": 0.5,
    "Bermondsey Street": 0.5,
    "Elephant and Castle": 0.5,
    "Trafford Park": 0.0,
    "Carrington": 0.2,
    "Warburton": 0.2,
    "Dunham Town": 0.3,
    "Partington": 0.5,
    "Broadheath": 0.5,
}

# Neighbourhoods of each borough: name | easting northing | postal district and sectors | town,
# then, indented, some of its real streets.
DISTRICT_TABLES = {
    "southwark": """
Bankside | 532209 180114 | SE1 0 9 | London
    Union Street; Sumner Street; Great Guildford Street; Copperfield Street; Southwark Bridge
    Road; Redcross Way; Lant Street; Marshalsea Road
Borough | 532498 179676 | SE1 1 4 | London
    Trinity Street; Weller Street; Harper Road; Great Dover Street; Long Lane; Swan Street;
    Falmouth Road
Bermondsey Street | 533301 179530 | SE1 2 3 | London
    Bermondsey Street; Tanner Street; Crucifix Lane; Druid Street; Maltby Street; Grange Walk;
    Abbey Street; Decima Street
Bermondsey | 534493 179116 | SE16 2 3 4 | London
    Jamaica Road; Southwark Park Road; Drummond Road; Keeton's Road; Blue Anchor Lane; Alma
    Grove; Lucey Road; Raymouth Road
Rotherhithe | 535314 179583 | SE16 4 5 6 | London
    Rotherhithe Street; Brunel Road; Albion Street; Swan Road; Neptune Street; Hawkstone Road;
    Salter Road
Surrey Quays | 535817 178929 | SE16 2 6 7 | London
    Lower Road; Onega Gate; Redriff Road; Plough Way; Rotherhithe New Road; Bonamy Street;
    Oldfield Grove
Elephant and Castle | 531995 178995 | SE1 6 | London
    Brook Drive; Hayles Street; Dante Road; Elliott's Row; Brook Street; Gaywood Street
Walworth | 532503 178174 | SE17 1 2 3 | London
    Walworth Road; Penton Place; Manor Place; Braganza Street; Liverpool Grove; Merrow Street;
    Surrey Square; Larcom Street; Villa Street; Aylesbury Road
Old Kent Road | 533972 177767 | SE15 1 6 | London
    Ossory Road; Commercial Way; Sumner Road; Friary Road; Verney Road; Glengall Road; Trafalgar
    Avenue; Marlborough Grove
South Bermondsey | 535069 178353 | SE16 3 | London
    Ilderton Road; Galleywall Road; Rotherhithe New Road; Bolina Road; Catlin Street; Stalham
    Street
Camberwell | 532610 176730 | SE5 0 7 8 | London
    Camberwell Grove; Grove Lane; Vicarage Grove; Benhill Road; Wilson Road; Daneville Road;
    Lomond Grove; Southampton Way; Elmington Road; Kimpton Road
Peckham | 534219 176327 | SE15 3 4 5 | London
    Bellenden Road; Choumert Road; Oglander Road; Lyndhurst Way; Elm Grove; Maxted Road;
    Highshore Road; Danby Street; Consort Road; Bird in Bush Road; Bushey Hill Road; Azenby Road
Nunhead | 535342 175912 | SE15 2 3 | London
    Nunhead Lane; Evelina Road; Gibbon Road; Linden Grove; Kirkwood Road; Ivydale Road; Scylla
    Road; Cheltenham Road; Limesford Road
East Dulwich | 533976 174985 | SE22 0 8 9 | London
    Lordship Lane; Upland Road; Crystal Palace Road; Northcross Road; Barry Road; Goodrich Road;
    Melbourne Grove; Ashbourne Grove; Landcroft Road; Friern Road; Dunstans Road; Overhill Road
Dulwich Village | 533175 173740 | SE21 7 | London
    Dulwich Village; Burbage Road; Court Lane; Calton Avenue; Woodwarde Road; Turney Road;
    Boxall Road; Eastlands Crescent
Herne Hill | 532184 174382 | SE24 9 | London
    Half Moon Lane; Stradella Road; Winterbrook Road; Holmdene Avenue; Warmington Road; Burbage
    Road
Honor Oak | 535181 174127 | SE22 0 | London
    Forest Hill Road; Colyton Road; Wood Vale; Mundania Road; Therapia Road; Dunstans Grove
Denmark Hill | 532914 175737 | SE5 8 9 | London
    Champion Hill; Grove Hill Road; Love Walk; Dog Kennel Hill; Grove Park; Ruskin Walk; Sunray
    Avenue
Sydenham Hill | 534122 172096 | SE21 7 8 | London
    Alleyn Park; College Road; Croxted Road; Kingswood Drive; Sydenham Hill; Dulwich Wood Avenue
Upper Norwood | 533453 171077 | SE19 1 | London
    Colby Road; Gipsy Hill; Dulwich Wood Park; Farquhar Road; Bowley Lane; Jasper Road
""",
    "trafford": """
Old Trafford | 381173 395732 | M16 0 7 9 | Old Trafford, Manchester
    Ayres Road; Northumberland Road; Seymour Grove; Shrewsbury Street; Talbot Road; Milton
    Street; Gorse Street
Firswood | 381502 394952 | M16 0 | Firswood, Manchester
    Kings Road; Park Road; Warwick Road South; Ryebank Road; Derbyshire Road South; Norwood Road
Stretford | 379507 394293 | M32 0 8 9 | Stretford, Manchester
    Edge Lane; King Street; Barton Road; Urmston Lane; Derbyshire Lane; Kingsway; Moss Road;
    Lime Road; Ravenswood Road
Gorse Hill | 379844 395515 | M32 0 | Stretford, Manchester
    Cromwell Road; Tennyson Road; Burleigh Road; Gorse Crescent; Chester Road; Ryebank Road
Trafford Park | 378855 397077 | M17 1 | Trafford Park, Manchester
    Westinghouse Road; Ashburton Road West; Mosley Road; Trafford Park Road; Westbrook Road;
    Third Avenue
Davyhulme | 375863 395979 | M41 7 8 | Davyhulme, Manchester
    Davyhulme Road; Broadway; Lostock Road; Canterbury Road; Bent Lanes; Crofts Bank Road; Brook
    Road
Urmston | 376520 394641 | M41 0 9 | Urmston, Manchester
    Flixton Road; Church Road; Stretford Road; Moorside Road; Westbourne Road; Gloucester Road;
    Queens Road; Station Road
Flixton | 374523 393872 | M41 5 6 | Flixton, Manchester
    Church Road; Irlam Road; Carrington Road; Woodsend Road; Delamere Road; Moss Lane; Chassen
    Road
Partington | 371519 391442 | M31 4 | Partington, Manchester
    Central Road; Manchester Road; Cross Lane; Wood Lane; Chapel Lane; Lock Lane
Carrington | 373189 392878 | M31 4 | Carrington, Manchester
    Manchester Road; Isherwood Road; Ackers Lane; Common Lane
Sale | 378700 392071 | M33 2 3 7 | Sale
    Washway Road; School Road; Harboro Road; Wardle Road; Temple Road; Hope Road; Cross Street;
    Raglan Road; Montague Road; Ashfield Road
Sale Moor | 379826 391288 | M33 2 4 | Sale
    Northenden Road; Broad Road; Dane Road; Norris Road; Marsland Road; Woodbourne Road
Ashton upon Mersey | 377174 392635 | M33 5 6 | Sale
    Green Lane; Church Lane; Cecil Avenue; Glebelands Road; Carrington Lane; Oakfield Road;
    Ashton Lane
Brooklands | 378495 390848 | M33 3 4 | Sale
    Brooklands Road; Framingham Road; Hesketh Road; Marsland Road; Woodlands Road; Moss Lane
Timperley | 378952 389066 | WA15 6 7 | Timperley, Altrincham
    Park Road; Stockport Road; Thorley Lane; Shaftesbury Avenue; Wood Lane; Deansgate Lane;
    Grove Lane; Heyes Lane
Altrincham | 376819 387852 | WA14 1 2 4 | Altrincham
    Stamford New Road; Oakfield Road; Regent Road; Dunham Road; Manor Road; Gaskell Road;
    Woodlands Road; Market Street
Broadheath | 376492 389078 | WA14 4 5 | Altrincham
    Manchester Road; Sinderland Road; Atlantic Street; Navigation Road; Lindsell Road; Viaduct
    Road
Hale | 377146 386738 | WA15 8 9 | Hale, Altrincham
    Ashley Road; Park Road; Harrop Road; Broomfield Lane; Cecil Road; Hale Road; Victoria Road;
    Spring Road
Hale Barns | 379471 385949 | WA15 0 8 | Hale Barns, Altrincham
    Hale Road; Wicker Lane; Hawley Lane; Chapel Lane; Bankhall Lane; Elm Road
Bowdon | 375816 386856 | WA14 2 3 | Bowdon, Altrincham
    Stamford Road; Langham Road; Green Walk; Vicarage Lane; Richmond Road; East Downs Road;
    Enville Road; Church Brow
Dunham Town | 373494 387981 | WA14 4 | Dunham Massey, Altrincham
    Woodhouse Lane; Station Road; Back Lane; School Lane
Warburton | 370308 389113 | WA13 9 | Warburton, Lymm
    Wigsey Lane; Paddock Lane; Bent Lane; Townfield Lane
""",
}


def _districts(table: str) -> tuple[District, ...]:
    districts = []
    for entry in re.split(r"\n(?=\S)", table.strip()):
        head, _, streets = entry.partition("\n")
        name, where, postal, town = (part.strip() for part in head.split("|"))
        easting, northing = (float(n) for n in where.split())
        district, *sectors = postal.split()
        districts.append(
            District(
                name,
                easting,
                northing,
                district,
                tuple(int(n) for n in sectors),
                town,
                tuple(street.strip() for street in " ".join(streets.split()).split(";")),
            )
        )
    return tuple(districts)


DISTRICTS = {source: _districts(table) for source, table in DISTRICT_TABLES.items()}


def nearest_district(source: str, x: float, y: float) -> District:
    return min(DISTRICTS[source], key=lambda d: (d.easting - x) ** 2 + (d.northing - y) ** 2)


def postcode(district: District, rng: random.Random) -> str:
    sector = rng.choice(district.sectors)
    unit = rng.choice(POSTCODE_UNIT_LETTERS) + rng.choice(POSTCODE_UNIT_LETTERS)
    return f"{district.postcode_district} {sector}{unit}"


@dataclass
class Address:
    line: str  # "42 Bellenden Road, London, SE15 4QJ"
    street: str
    district: District
    postcode: str


def street_address(
    district: District, rng: random.Random, *, street: str | None = None, house: str | None = None
) -> Address:
    street = street or rng.choice(district.streets)
    house = house or str(rng.randint(2, 180))
    code = postcode(district, rng)
    return Address(f"{house} {street}, {district.town}, {code}", street, district, code)


# --- Sites -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feature:
    id: int
    dataset: str
    name: str
    reference: str
    attributes: dict
    geometry: GEOSGeometry
    area_m2: float


@dataclass
class Site:
    """A plot, the hits triage will find on it, and what it was placed on or near."""

    geometry: Polygon
    hits: list[ConstraintHit]
    setting: str  # "plain", or the dataset it was placed in, or "listed-building-nearby"
    feature: Feature | None = None

    @property
    def area_m2(self) -> float:
        return self.geometry.area

    def affecting(self, *datasets: str) -> list[ConstraintHit]:
        """Hits that really touch the site (not nearby, not a graze), as triage counts them."""
        return [
            hit
            for hit in self.hits
            if hit.relation != NEARBY
            and not hit.grazes
            and (not datasets or hit.dataset in datasets)
        ]

    def nearby(self, *datasets: str) -> list[ConstraintHit]:
        return [hit for hit in self.hits if hit.relation == NEARBY and hit.dataset in datasets]

    @property
    def constrained(self) -> bool:
        """What triage's lane calls constrained: any real hit, or a listed building near."""
        return bool(self.affecting() or self.nearby("listed-building", "listed-building-outline"))

    def geojson(self) -> dict:
        """The site as a GeoJSON Polygon in British National Grid, to the centimetre."""
        ring = [[round(x, 2), round(y, 2)] for x, y in self.geometry.exterior_ring.coords]
        ring[-1] = ring[0]
        return {"type": "Polygon", "coordinates": [ring]}


def rectangle(x: float, y: float, width: float, depth: float, angle: float) -> Polygon:
    """A width x depth rectangle centred on (x, y), turned `angle` degrees."""
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    corners = [
        (-width / 2, -depth / 2),
        (width / 2, -depth / 2),
        (width / 2, depth / 2),
        (-width / 2, depth / 2),
    ]
    ring = [
        (round(x + cx * cos - cy * sin, 2), round(y + cx * sin + cy * cos, 2)) for cx, cy in corners
    ]
    return Polygon([*ring, ring[0]], srid=BNG_SRID)


class ConcaveHull(Func):
    function = "ST_ConcaveHull"
    output_field = GeometryField(srid=BNG_SRID)


class SiteNotFound(Exception):
    """No place of the kind asked for could be found in the layers."""


# Listed entries that are not buildings someone lives or works in.
NOT_A_HOUSE = re.compile(
    r"stocks|sundial|obelisk|memorial|milestone|pier|bridge|aqueduct|fountain|church|temple|"
    r"wall|kiosk|barn|shippon|tomb|lamp|gate|railing|monument|statue|dovecote|aviary|"
    r"wellhouse|sawmill|portal|stone|hut|cross\b|post\b|pump|bollard|chapel|shelter|"
    r"mausoleum|drinking|urinal|signal|station|lodges|school|wharf|warehouse|tunnel|shaft|"
    r"engine|cemetery|gasholder|hospital",
    re.IGNORECASE,
)


@dataclass
class Places:
    """The places of one council's layers, and the sites handed out so far (never twice)."""

    source: str
    rng: random.Random
    features: dict[str, list[Feature]] = field(default_factory=dict)
    used: list[Polygon] = field(default_factory=list)
    used_features: set[int] = field(default_factory=set)
    borough: GEOSGeometry | None = None

    @classmethod
    def load(cls, source: str, rng: random.Random) -> "Places":
        places = cls(source, rng)
        rows = (
            ConstraintFeature.objects.filter(layer__source=source)
            .order_by("id")
            .values_list(
                "id", "layer__dataset", "name", "reference", "attributes", "geometry", "area_m2"
            )
        )
        for fid, dataset, name, reference, attributes, geometry, area in rows:
            places.features.setdefault(dataset, []).append(
                Feature(fid, dataset, name, reference, attributes or {}, geometry, area)
            )
        if not places.features:
            raise SiteNotFound(f"No constraint layers from {source} are loaded.")
        # The borough, roughly: a tight hull round every feature, pulled in from its edge so a
        # plain site never lands in the river or the next borough.
        hull = ConstraintFeature.objects.filter(layer__source=source).aggregate(
            hull=ConcaveHull(Collect(PointOnSurface("geometry")), Value(0.3))
        )["hull"]
        places.borough = hull.buffer(-150)
        return places

    # The kinds of place ------------------------------------------------------------------

    def inside(self, dataset: str, width: float, depth: float, *, names: str = "") -> Site:
        """A plot wholly inside a feature of `dataset` (whose name matches `names`)."""
        candidates = [
            f
            for f in self.features.get(dataset, [])
            if f.area_m2 > 6 * width * depth and re.search(names, f.name, re.IGNORECASE)
        ]
        for _ in range(60):
            feature = self.rng.choice(candidates)
            inner = feature.geometry.buffer(-(max(width, depth) / 2 + 3))
            if inner.empty:
                continue
            point = self._point_in(inner)
            if point is None:
                continue
            site = self._site(
                rectangle(point.x, point.y, width, depth, self._angle()), dataset, feature
            )
            if site and any(hit.feature_id == feature.id for hit in site.affecting(dataset)):
                return site
        raise SiteNotFound(f"No plot found inside {dataset} ({self.source}).")

    def on_listed_building(self) -> Site:
        """The plot of a listed house or building: its outline, or a plot round its point."""
        return self.on_building(LISTED_BUILDING, houses_only=True)

    def on_building(self, dataset: str, *, names: str = "", houses_only: bool = False) -> Site:
        """The plot of one building of `dataset` (a listed house, a pub with an Article 4
        direction): its outline widened a little, or a plot round its point. Each building is
        handed out once."""
        candidates = [
            f
            for f in self.features.get(dataset, [])
            if f.id not in self.used_features
            and re.search(names, f.name, re.IGNORECASE)
            and (self._a_house(f) or not houses_only)
        ]
        for _ in range(60):
            if not candidates:
                break
            feature = self.rng.choice(candidates)
            if feature.geometry.dims == 0:
                x, y = feature.geometry.x, feature.geometry.y
                width, depth = self.rng.uniform(12, 22), self.rng.uniform(20, 40)
                # The building stands towards the front of its plot, not in its middle.
                shift = depth * self.rng.uniform(0.1, 0.3)
                angle = self._angle()
                dx = -shift * math.sin(math.radians(angle))
                dy = shift * math.cos(math.radians(angle))
                outline = rectangle(x + dx, y + dy, width, depth, angle)
            else:
                outline = feature.geometry.convex_hull.buffer(self.rng.uniform(1.5, 4), quadsegs=1)
                if outline.geom_type != "Polygon":
                    continue
            site = self._site(outline, f"{dataset}-on", feature)
            if site and any(hit.feature_id == feature.id for hit in site.affecting(dataset)):
                self.used_features.add(feature.id)
                return site
        raise SiteNotFound(f"No building of {dataset} found to build a site on ({self.source}).")

    def next_to(self, dataset: str, width: float, depth: float, *, within: float = 45) -> Site:
        """A plot that does not touch a feature of `dataset` (a listed building, a monument)
        but lies within `within` m of it: in its setting."""
        candidates = self.features.get(dataset, [])
        for _ in range(80):
            feature = self.rng.choice(candidates)
            centre = feature.geometry.centroid
            reach = math.sqrt(max(feature.area_m2, 1.0) / math.pi)
            distance = reach + max(width, depth) / 2 + self.rng.uniform(8, within - 5)
            bearing = self.rng.uniform(0, 2 * math.pi)
            x, y = centre.x + distance * math.cos(bearing), centre.y + distance * math.sin(bearing)
            site = self._site(
                rectangle(x, y, width, depth, self._angle()), f"{dataset}-nearby", feature
            )
            if site is None or site.affecting(dataset):
                continue
            if any(hit.feature_id == feature.id for hit in site.nearby(dataset)):
                return site
        raise SiteNotFound(f"No plot found next to {dataset} ({self.source}).")

    def across_edge(self, dataset: str, width: float, depth: float) -> Site:
        """A plot straddling the edge of a feature of `dataset`: a garden backing onto a wood
        or a park, a plot partly in a conservation area. Enough of it is inside to count."""
        candidates = [f for f in self.features.get(dataset, []) if f.area_m2 > 2 * width * depth]
        for _ in range(80):
            feature = self.rng.choice(candidates)
            edge = feature.geometry.boundary
            point = edge.interpolate(self.rng.uniform(0, edge.length))
            site = self._site(
                rectangle(point.x, point.y, width, depth, self._angle()), dataset, feature
            )
            if site is None:
                continue
            share = sum(
                h.site_share_pct for h in site.affecting(dataset) if h.feature_id == feature.id
            )
            if 20 <= share <= 80:
                return site
        raise SiteNotFound(f"No plot found on the edge of {dataset} ({self.source}).")

    def plain(self, width: float, depth: float) -> Site:
        """A plot among the borough's homes with no constraint of any loaded layer within
        reach."""
        districts = DISTRICTS[self.source]
        weights = [HOMES_WEIGHT.get(d.name, 1.0) for d in districts]
        for _ in range(400):
            district = self.rng.choices(districts, weights=weights)[0]
            point = self.near(district, 800)
            if point is None:
                continue
            site = self._site(rectangle(point.x, point.y, width, depth, self._angle()), "plain")
            if site is not None and not site.hits:
                return site
        raise SiteNotFound(f"No unconstrained plot found ({self.source}).")

    def large(self, district: District, width: float, depth: float) -> Site:
        """A large site (a major development) within a few hundred metres of a district."""
        for _ in range(200):
            point = self.near(district, 600)
            if point is None:
                continue
            outline = rectangle(point.x, point.y, width, depth, self._angle())
            # A major site may take in a listed building's setting, but not the building.
            site = self._site(outline, "large")
            if site is not None and not site.affecting("listed-building", "scheduled-monument"):
                return site
        raise SiteNotFound(f"No large site found near {district.name} ({self.source}).")

    # Helpers -------------------------------------------------------------------------------

    def _site(self, outline: Polygon, setting: str, feature: Feature | None = None) -> Site | None:
        """The site, unless it overlaps or crowds one handed out already."""
        if any(outline.distance(other) < 8 for other in self.used):
            return None
        site = Site(outline, check_site(outline), setting, feature)
        return site

    def take(self, site: Site) -> Site:
        self.used.append(site.geometry)
        return site

    def near(self, district: District, radius: float) -> Point | None:
        """A point within `radius` m of the district's centre, inside the borough."""
        angle, distance = self.rng.uniform(0, 2 * math.pi), radius * math.sqrt(self.rng.random())
        point = Point(
            district.easting + distance * math.cos(angle),
            district.northing + distance * math.sin(angle),
            srid=BNG_SRID,
        )
        return point if self.borough.contains(point) else None

    def _point_in(self, area: GEOSGeometry) -> Point | None:
        xmin, ymin, xmax, ymax = area.extent
        for _ in range(50):
            point = Point(self.rng.uniform(xmin, xmax), self.rng.uniform(ymin, ymax), srid=BNG_SRID)
            if area.contains(point):
                return point
        return None

    def _angle(self) -> float:
        return self.rng.uniform(0, 180)

    @staticmethod
    def _a_house(feature: Feature) -> bool:
        if feature.geometry.dims == 0:
            return not NOT_A_HOUSE.search(feature.name)
        number = feature.attributes.get("street_number", "")
        return (
            bool(number) and 40 <= feature.area_m2 <= 1500 and not NOT_A_HOUSE.search(feature.name)
        )
