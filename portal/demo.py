"""Demo data of the core: Foshan's org tree, staff, employers and seekers, the
residents the other apps' two years of history are about, and the calendar of
that history (seasonal_weight, spread_days) they all follow. A second demo city
(江门市, `seed_demo --city jiangmen`) comes with the same kinds of records, about
half as many, and the province (广东省) above both.

Idempotent: every record is looked up by its natural key first, so running it again
changes nothing. The division codes of streets and communities follow the GB/T 10114
scheme (docs/identifiers.md, "Division codes") but are demo codes; load the
official table in production.
"""

import contextlib
import dataclasses
import datetime
import functools
import random
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from stdnum.cn import ric, uscc

from portal import services
from portal.models import Employer, OrgUnit, Person, User

DEMO_PASSWORD = "demo12345"
CITY = ("440600000000", "佛山市")
# district code, name, login suffix, centre (lat, lng), {street: [communities]}
DISTRICTS = [
    (
        "440604",
        "禅城区",
        "chancheng",
        (23.0215, 113.1220),
        {
            "祖庙街道": ["升平社区", "兆祥社区"],
            "石湾镇街道": ["东风社区", "建设社区"],
            "张槎街道": ["大富社区", "莲塘村"],
            "南庄镇": ["罗格村", "紫洞村"],
        },
    ),
    (
        "440605",
        "南海区",
        "nanhai",
        (23.0290, 113.1430),
        {
            "桂城街道": ["平洲社区", "夏东社区"],
            "狮山镇": ["罗村社区", "小塘社区"],
            "大沥镇": ["黄岐社区", "盐步社区"],
            "西樵镇": ["樵园社区", "简村"],
        },
    ),
    (
        "440606",
        "顺德区",
        "shunde",
        (22.8050, 113.2930),
        {
            "大良街道": ["金榜社区", "顺峰社区"],
            "容桂街道": ["容里社区", "细滘村"],
            "北滘镇": ["北滘社区", "碧江社区"],
            "乐从镇": ["乐从社区", "沙滘村"],
        },
    ),
    (
        "440607",
        "三水区",
        "sanshui",
        (23.1560, 112.8970),
        {
            "西南街道": ["江根社区", "金本社区"],
            "云东海街道": ["宝月社区", "杨梅村"],
            "白坭镇": ["白坭社区", "岗头村"],
            "乐平镇": ["乐平社区", "范湖村"],
        },
    ),
    (
        "440608",
        "高明区",
        "gaoming",
        (22.9000, 112.8920),
        {
            "荷城街道": ["中山社区", "沧江社区"],
            "杨和镇": ["杨和社区", "对川村"],
            "明城镇": ["明城社区", "明南村"],
            "更合镇": ["更楼社区", "合水村"],
        },
    ),
]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢"
    "宋唐许韩冯邓曹彭曾肖田董袁潘蔡余叶苏卢钟谭陆冼区麦伍"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
    "华建文辉玲志红浩嘉欣婷宇俊锦晓晖振国雪梅颖琳彬斌佳峰"
)
ROADS = [
    "佛山大道",
    "季华路",
    "汾江中路",
    "南海大道",
    "桂澜路",
    "广佛路",
    "顺德大道",
    "碧桂路",
    "三水大道",
    "健力宝大道",
    "沧江路",
    "文华路",
    "岭南大道",
    "魁奇路",
]
FIRMS = [
    "宏达",
    "美的",
    "华丰",
    "顺兴",
    "联合",
    "新科",
    "南方",
    "恒信",
    "金辉",
    "永盛",
    "海天",
    "利华",
    "东方",
    "嘉禾",
    "富华",
    "广达",
    "安捷",
    "佳美",
    "协和",
    "创智",
]
TRADES = [
    ("C", "五金制品有限公司"),
    ("C", "陶瓷有限公司"),
    ("C", "家具制造有限公司"),
    ("C", "电器有限公司"),
    ("C", "铝材有限公司"),
    ("F", "商贸有限公司"),
    ("G", "物流有限公司"),
    ("H", "餐饮管理有限公司"),
    ("I", "信息科技有限公司"),
    ("Q", "医疗器械有限公司"),
    ("E", "建设工程有限公司"),
    ("L", "人力资源服务有限公司"),
]
EDUCATIONS = [
    "junior",
    "senior",
    "senior",
    "vocational",
    "college",
    "college",
    "bachelor",
    "bachelor",
    "master",
]


# The demo's two years of history: every app dates its records between
# history_start() and today, busier in the weeks after the Spring Festival (春节),
# when workers come back and factories hire, and around graduation.
HISTORY_MONTHS = 24
SPRING_FESTIVALS = [
    datetime.date(2024, 2, 10),
    datetime.date(2025, 1, 29),
    datetime.date(2026, 2, 17),
    datetime.date(2027, 2, 6),
    datetime.date(2028, 1, 26),
    datetime.date(2029, 2, 13),
]
# Where the demo's residents live, per cent by district: 南海 and 顺德 are the
# largest districts, 三水 and 高明 the smallest.
DISTRICT_SHARES = {"440604": 21, "440605": 26, "440606": 25, "440607": 13, "440608": 15}


# Home regions of people born outside Foshan (the first six digits of their ID).
@dataclasses.dataclass(frozen=True)
class DemoCity:
    """A demo city: its org tree (DISTRICTS' shape), where its residents live (per
    cent by district) and its size next to Foshan's. `key` starts the random
    seeds of its records; Foshan's is empty, so that its records stay the ones the
    single-city demo always made."""

    code: str
    name: str
    slug: str
    districts: list
    shares: dict
    # The city's human resources market, where its fairs are held: address, centre.
    market: tuple = ("禅城区岭南大道北1号", 23.0215, 113.1214)
    size: float = 1.0
    key: str = ""

    @property
    def prefix(self) -> str:
        return self.code[:4]

    @property
    def is_first(self) -> bool:
        return self.key == ""

    def login(self, role: str) -> str:
        """The login of a city-level demo account: cw_city, leader, gate … in
        Foshan, cw_jiangmen, leader_jiangmen, gate_jiangmen … elsewhere."""
        if self.is_first:
            return {"cw": "cw_city", "leader": "leader", "gate": "gate"}.get(
                role, f"cw_city_{role}"
            )
        return f"cw_{self.slug}" if role == "cw" else f"{role}_{self.slug}"

    def count(self, number: int) -> int:
        return max(1, round(number * self.size))

    def units(self, level: str):
        return OrgUnit.objects.filter(level=level, code__startswith=self.prefix)


PROVINCE = ("440000000000", "广东省")
FOSHAN = DemoCity(CITY[0], CITY[1], "foshan", DISTRICTS, DISTRICT_SHARES)
# 江门市, Foshan's neighbour to the south-west, with about half its residents
# (2020 census: 4.8 against 9.5 million). City and district codes are GB/T 2260's;
# streets and communities are demo codes as Foshan's are.
JIANGMEN = DemoCity(
    "440700000000",
    "江门市",
    "jiangmen",
    [
        (
            "440703",
            "蓬江区",
            "pengjiang",
            (22.5953, 113.0785),
            {
                "环市街道": ["建设社区", "篁庄村"],
                "白沙街道": ["白沙社区", "水南社区"],
                "杜阮镇": ["杜阮社区", "龙榜村"],
            },
        ),
        (
            "440704",
            "江海区",
            "jianghai",
            (22.5602, 113.1110),
            {
                "江南街道": ["江南社区", "金瓯社区"],
                "外海街道": ["外海社区", "麻三村"],
                "礼乐街道": ["礼乐社区", "威东村"],
            },
        ),
        (
            "440705",
            "新会区",
            "xinhui",
            (22.4588, 113.0322),
            {
                "会城街道": ["城南社区", "圭峰社区"],
                "司前镇": ["司前社区", "天等村"],
                "大泽镇": ["大泽社区", "沙冲村"],
            },
        ),
        (
            "440781",
            "台山市",
            "taishan",
            (22.2515, 112.7940),
            {
                "台城街道": ["台城社区", "桂水村"],
                "大江镇": ["大江社区", "公益村"],
                "水步镇": ["水步社区", "罗边村"],
            },
        ),
    ],
    {"440703": 30, "440704": 15, "440705": 30, "440781": 25},
    market=("蓬江区建设三路", 22.5953, 113.0785),
    size=0.5,
    key="jiangmen-",
)
DEMO_CITIES = {city.slug: city for city in (FOSHAN, JIANGMEN)}
HOMETOWNS = {
    "440802": "广东省湛江市",
    "431002": "湖南省郴州市",
    "450902": "广西壮族自治区玉林市",
    "360702": "江西省赣州市",
    "511302": "四川省南充市",
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def history_start(today: datetime.date) -> datetime.date:
    """The first day of the demo's history: 24 months before this month."""
    return add_months(today, -HISTORY_MONTHS)


def seasonal_weight(day: datetime.date) -> float:
    """How busy the labour market is on a day, 1 on an ordinary one."""
    weight = 1.0
    for festival in SPRING_FESTIVALS:
        days_after = (day - festival).days
        if -21 <= days_after < 0:  # migrant workers travel home
            weight = 0.5
        elif 0 <= days_after < 7:  # the holiday week
            weight = 0.2
        elif 7 <= days_after < 49:  # back to work: hiring and job hunting peak
            weight = 2.2
    if day.month == 7 or (day.month == 6 and day.day >= 10):  # graduation
        weight *= 1.6
    return weight


def spread_days(rng, first, last, count: int) -> list[datetime.date]:
    """`count` days between two days inclusive, sorted, more of them when the
    market is busy."""
    if count <= 0 or last < first:
        return []
    days = [
        first + datetime.timedelta(offset) for offset in range((last - first).days + 1)
    ]
    return sorted(rng.choices(days, [seasonal_weight(day) for day in days], k=count))


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A moment of a day in the city's time zone, never later than now."""
    moment = datetime.datetime.combine(day, datetime.time(hour, minute))
    return min(timezone.make_aware(moment), timezone.now())


def cohorts(today: datetime.date) -> list[int]:
    """The two latest graduation years whose graduation (June) has come."""
    years = range(today.year - 2, today.year + 1)
    return [year for year in years if datetime.date(year, 6, 1) <= today][-2:]


@contextlib.contextmanager
def keeping_dates(*models):
    """Demo only: let bulk inserts keep the past created_at and updated_at set on the
    rows, which auto_now and auto_now_add would replace with the present."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@functools.cache
def demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def seed_core(city: DemoCity = FOSHAN):
    """The org tree, staff, 50 employers (40 verified) and 200 seekers (in Foshan;
    other cities by their size)."""
    unit, districts = seed_org_units(city)
    admin = seed_staff(unit, districts, city)
    streets = list(city.units(OrgUnit.Level.STREET).select_related("parent"))
    employers = seed_employers(streets, districts, admin, city)
    return employers, seed_seekers(city)


def seed_province() -> OrgUnit:
    """The province above the demo cities, made when a second city arrives: the
    cities without a parent move under it, and it gets a caseworker and a
    leader, who see every city."""
    province, _ = OrgUnit.objects.get_or_create(
        code=PROVINCE[0],
        defaults={"name": PROVINCE[1], "level": OrgUnit.Level.PROVINCE},
    )
    for city in OrgUnit.objects.filter(level=OrgUnit.Level.CITY, parent=None):
        city.parent = province
        city.save(update_fields=["parent"])
    staff_user(
        "cw_province",
        role=User.Role.CASEWORKER,
        org_unit=province,
        name="省就业服务中心经办员",
    )
    staff_user(
        "leader_province", role=User.Role.LEADER, org_unit=province, name="省厅领导"
    )
    return province


def make_id_number(rng: random.Random, area: str, birth_year: int = 0) -> str:
    if birth_year:
        birth = datetime.date(birth_year, 1, 1) + datetime.timedelta(rng.randrange(365))
    else:
        birth = datetime.date(1968, 1, 1) + datetime.timedelta(rng.randrange(13500))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(1, 999):03d}"
    return body + ric.calc_check_digit(body + "0")


def organization_code(rng: random.Random) -> str:
    """A GB 11714 organisation code with its own check character."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    body = "MA" + "".join(
        rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(6)
    )
    total = sum(
        alphabet.index(c) * w
        for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def demo_licence(code: str) -> ContentFile:
    """A one-page PDF standing in for a scanned business licence."""
    text = f"BT /F1 18 Tf 60 760 Td (DEMO BUSINESS LICENCE - USCC {code}) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(pdf)
    pdf += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    pdf += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    pdf += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
    pdf += f"startxref\n{xref}\n%EOF\n"
    return ContentFile(pdf.encode("ascii"), name="licence.pdf")


def make_uscc(rng: random.Random, area: str) -> str:
    body = f"91{area}{organization_code(rng)}"
    return body + uscc.calc_check_digit(body)


def seed_org_units(demo: DemoCity = FOSHAN):
    province = None if demo.is_first else seed_province()
    city, _ = OrgUnit.objects.get_or_create(
        code=demo.code,
        defaults={"name": demo.name, "level": OrgUnit.Level.CITY, "parent": province},
    )
    districts = {}
    for code, name, login, centre, streets in demo.districts:
        district, _ = OrgUnit.objects.get_or_create(
            code=f"{code}000000",
            defaults={
                "name": name,
                "level": OrgUnit.Level.DISTRICT,
                "parent": city,
                "latitude": centre[0],
                "longitude": centre[1],
            },
        )
        districts[code] = (district, login, centre)
        for s, (street_name, communities) in enumerate(streets.items(), start=1):
            # 001–099 are streets (街道), 100–199 towns (镇).
            township = f"{s:03d}" if street_name.endswith("街道") else f"{100 + s:03d}"
            # Demo centres: the streets spread around the district centre.
            lat = centre[0] + 0.02 * (s % 3 - 1)
            lng = centre[1] + 0.025 * (s // 3 - 0.5)
            street, _ = OrgUnit.objects.get_or_create(
                code=f"{code}{township}000",
                defaults={
                    "name": street_name,
                    "level": OrgUnit.Level.STREET,
                    "parent": district,
                    "latitude": lat,
                    "longitude": lng,
                },
            )
            for c, community_name in enumerate(communities, start=1):
                # 001– are residents' committees (社区), 200– villages (村).
                village = (
                    f"{200 + c:03d}" if community_name.endswith("村") else f"{c:03d}"
                )
                OrgUnit.objects.get_or_create(
                    code=f"{code}{township}{village}",
                    defaults={
                        "name": community_name,
                        "parent": street,
                        "level": OrgUnit.Level.COMMUNITY,
                        "latitude": lat + 0.004 * c,
                        "longitude": lng,
                    },
                )
    return city, districts


def staff_user(
    username, *, role, org_unit=None, name="", superuser=False, domain="foshan"
):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "org_unit": org_unit,
            "last_name": name,
            "password": demo_password_hash(),
            "is_staff": True,
            "is_superuser": superuser,
            "email": f"{username}@hrss.{domain}.example.cn",
        },
    )
    if created and role in (User.Role.CASEWORKER, User.Role.LEADER):
        user.groups.add(Group.objects.get(name=role))
    return user


# Separation of duties (subsidies/services/chain.py, check_decider): one official
# decides at most one step of an application, and approval after the notice is one
# more step, so a street → district → city chain needs four officials in the area:
# a caseworker in each street and district, three at the city (review, approval
# after the notice, payment). The other demo modules look up "the" caseworker of a
# district, so each district keeps one.
CITY_OFFICIALS = {
    "cw_city_review": "梁嘉欣（市就业中心复核员）",
    "cw_city_approve": "陈志明（市就业中心审批员）",
}
STREET_LOGINS = {
    "祖庙街道": "zumiao",
    "石湾镇街道": "shiwan",
    "张槎街道": "zhangcha",
    "南庄镇": "nanzhuang",
    "桂城街道": "guicheng",
    "狮山镇": "shishan",
    "大沥镇": "dali",
    "西樵镇": "xiqiao",
    "大良街道": "daliang",
    "容桂街道": "ronggui",
    "北滘镇": "beijiao",
    "乐从镇": "lecong",
    "西南街道": "xinan",
    "云东海街道": "yundonghai",
    "白坭镇": "baini",
    "乐平镇": "leping",
    "荷城街道": "hecheng",
    "杨和镇": "yanghe",
    "明城镇": "mingcheng",
    "更合镇": "genghe",
}


def seed_staff(city, districts, demo: DemoCity = FOSHAN):
    admin = staff_user("admin", role=User.Role.ADMIN, name="系统管理员", superuser=True)
    staff = functools.partial(staff_user, domain=demo.slug)
    centre = "市就业中心" if demo.is_first else f"{city.name}就业中心"
    staff(
        demo.login("cw"),
        role=User.Role.CASEWORKER,
        org_unit=city,
        name=f"{centre}经办员",
    )
    for login, name in CITY_OFFICIALS.items():
        staff(
            demo.login(login.removeprefix("cw_city_")),
            role=User.Role.CASEWORKER,
            org_unit=city,
            name=name.replace("市就业中心", centre),
        )
    staff(demo.login("leader"), role=User.Role.LEADER, org_unit=city, name="市局领导")
    for district, login, _centre in districts.values():
        staff(
            f"cw_{login}",
            role=User.Role.CASEWORKER,
            org_unit=district,
            name=f"{district.name}经办员",
        )
        for street in district.children.filter(level=OrgUnit.Level.STREET):
            rng = random.Random(f"street-staff-{street.code}")
            name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
            street_login = STREET_LOGINS.get(street.name, street.code[6:9])
            staff(
                f"cw_{login}_{street_login}",
                role=User.Role.CASEWORKER,
                org_unit=street,
                name=f"{name}（{street.name}经办员）",
            )
    return admin


def seed_employers(streets, districts, admin, demo: DemoCity = FOSHAN):
    employers = []
    for i in range(demo.count(50)):
        rng = random.Random(f"{demo.key}employer-{i}")
        street = streets[i % len(streets)]
        district, _login, centre = districts[street.parent.code[:6]]
        lat, lng = street.latitude or centre[0], street.longitude or centre[1]
        code = make_uscc(rng, street.parent.code[:6])
        industry, suffix = TRADES[i % len(TRADES)]
        name = f"{demo.name}{district.name}{FIRMS[i % len(FIRMS)]}{suffix}"
        contact = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=2))
        road = rng.choice(ROADS)
        employer = Employer.objects.filter(name=name).first()
        if employer is None:
            employer = Employer.objects.create(
                name=name,
                uscc=code,
                industry=industry,
                org_unit=street,
                ownership=rng.choice(
                    [
                        "private",
                        "private",
                        "private",
                        "foreign",
                        "state",
                        "collective",
                    ]
                ),
                size=rng.choice(
                    ["micro", "small", "small", "medium", "medium", "large"]
                ),
                address=f"{road}{rng.randrange(1, 300)}号",
                licence=demo_licence(code),
                latitude=Decimal(f"{lat + rng.uniform(-0.008, 0.008):.6f}"),
                longitude=Decimal(f"{lng + rng.uniform(-0.008, 0.008):.6f}"),
                contact_name=contact,
                contact_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                contact_email=f"hr{i + 1:02d}@example.cn",
                description=f"{name}位于{district.name}{street.name}，诚聘各类人才。",
            )
            User.objects.create(
                username=employer.uscc,
                role=User.Role.EMPLOYER,
                employer=employer,
                first_name=contact,
                email=employer.contact_email,
                password=demo_password_hash(),
            )
            if i < demo.count(40):
                services.verify_employer(employer, by=admin)
            elif i >= demo.count(47):
                services.reject_employer(
                    employer,
                    by=admin,
                    reason="营业执照照片不清晰，请重新上传清晰的营业执照扫描件。",
                )
        employers.append(employer)
    return employers


def seed_seekers(demo: DemoCity = FOSHAN):
    communities = list(demo.units(OrgUnit.Level.COMMUNITY))
    seekers = []
    for i in range(demo.count(200)):
        rng = random.Random(f"{demo.key}seeker-{i}")
        residence = communities[i % len(communities)]
        id_number = make_id_number(rng, residence.code[:6])
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice([1, 2])))
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        education = rng.choice(EDUCATIONS)
        road = rng.choice(ROADS)
        person = Person.objects.filter(id_number=id_number).first()
        if person is None:
            user = User.objects.create(
                username=id_number,
                role=User.Role.SEEKER,
                password=demo_password_hash(),
                sms_opt_in=i % 4 == 0,  # a quarter chose to be told by SMS
            )
            person = Person.objects.create(
                user=user,
                name=name,
                id_number=id_number,
                phone=phone,
                residence=residence,
                education=education,
                hukou_place=rng.choice(
                    [
                        f"广东省{demo.name}",
                        f"广东省{demo.name}",
                        "广东省湛江市",
                        "湖南省郴州市",
                        "广西壮族自治区玉林市",
                        "江西省赣州市",
                        "四川省南充市",
                    ]
                ),
                hukou_type=rng.choice(["urban", "rural"]),
                address=f"{road}{rng.randrange(1, 200)}号",
                retirement_track=services.default_retirement_track(id_number),
            )
        seekers.append(person)
    return seekers


def _resident(rng, communities, birth_years, educations, demo) -> dict:
    district = rng.choices(list(demo.shares), list(demo.shares.values()))[0]
    if rng.random() < 0.55:
        area, hukou_place = district, f"广东省{demo.name}"
    else:
        area, hukou_place = rng.choice(list(HOMETOWNS.items()))
    birth = datetime.date(rng.randint(*birth_years), 1, 1)
    birth += datetime.timedelta(rng.randrange(365))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(1, 999):03d}"
    return {
        "name": rng.choice(SURNAMES)
        + "".join(rng.choices(GIVEN, k=rng.choice([1, 2]))),
        "id_number": body + ric.calc_check_digit(body + "0"),
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
        "residence": rng.choice(communities[district]),
        "education": rng.choice(educations),
        "hukou_place": hukou_place,
        "hukou_type": "urban" if area == district and rng.random() < 0.7 else "rural",
        "address": f"{rng.choice(ROADS)}{rng.randrange(1, 200)}号",
    }


def _draw_residents(key, count, birth_years, educations, demo) -> list:
    """Each index's resident: a Person already made by an earlier run, or the
    fields of a new one. A drawn ID number that another record holds is drawn
    again, the same way on every run."""
    communities = {}
    for unit in OrgUnit.objects.filter(level=OrgUnit.Level.COMMUNITY).order_by("code"):
        communities.setdefault(unit.code[:6], []).append(unit)
    chosen, seen, pending, attempt = [None] * count, set(), list(range(count)), 0
    while pending:
        drawn = {
            index: _resident(
                random.Random(f"{key}-{index}-{attempt}"),
                communities,
                birth_years,
                educations,
                demo,
            )
            for index in pending
        }
        existing = Person.objects.in_bulk(
            [fields["id_number"] for fields in drawn.values()], field_name="id_number"
        )
        left = []
        for index in pending:
            fields = drawn[index]
            person = existing.get(fields["id_number"])
            ours = person is None or (person.name, person.phone) == (
                fields["name"],
                fields["phone"],
            )
            if not ours or fields["id_number"] in seen:
                left.append(index)
                continue
            seen.add(fields["id_number"])
            chosen[index] = person or fields
        pending, attempt = left, attempt + 1
    return chosen


def seed_people(
    key: str,
    count: int,
    *,
    birth_years: tuple[int, int],
    joined: list[datetime.date],
    accounts: bool = True,
    educations=EDUCATIONS,
    demo: DemoCity = FOSHAN,
) -> list[Person]:
    """Demo only: `count` residents made in bulk, spread over the city's districts
    by its shares, with seeker accounts when `accounts` (people who used the
    portal), added on the days `joined`. The same people on every run."""
    chosen = _draw_residents(demo.key + key, count, birth_years, educations, demo)
    new = [
        (index, fields)
        for index, fields in enumerate(chosen)
        if isinstance(fields, dict)
    ]
    users = {}
    if accounts and new:
        made = User.objects.bulk_create(
            User(
                username=fields["id_number"],
                role=User.Role.SEEKER,
                password=demo_password_hash(),
                date_joined=at(joined[index], 20),
                sms_opt_in=index % 4 == 0,
            )
            for index, fields in new
        )
        users = {user.username: user for user in made}
    with keeping_dates(Person):
        Person.objects.bulk_create(
            Person(
                user=users.get(fields["id_number"]),
                retirement_track=services.default_retirement_track(fields["id_number"]),
                created_at=at(joined[index], 20),
                updated_at=at(joined[index], 20),
                **fields,
            )
            for index, fields in new
        )
    numbers = [
        fields["id_number"] if isinstance(fields, dict) else fields.id_number
        for fields in chosen
    ]
    people = Person.objects.select_related("residence").in_bulk(
        numbers, field_name="id_number"
    )
    return [people[number] for number in numbers]


COHORT_SIZE = 60


def graduating_people(
    year: int, today: datetime.date, demo: DemoCity = FOSHAN
) -> list[Person]:
    """Young people who graduate in `year` and come to the portal between late May
    and July (jobs/demo.py gives them resumes, graduates/demo.py their
    graduation); the same people on every run."""
    days = spread_days(
        random.Random(f"{demo.key}graduates-{year}"),
        datetime.date(year, 5, 20),
        min(datetime.date(year, 7, 31), today),
        demo.count(COHORT_SIZE),
    )
    return seed_people(
        f"graduates-{year}",
        demo.count(COHORT_SIZE),
        demo=demo,
        birth_years=(year - 23, year - 21),
        joined=days,
        educations=["college", "bachelor", "bachelor", "bachelor", "master"],
    )
