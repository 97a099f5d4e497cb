"""A two-day demo agenda of 40 items in three languages, published as Rev.0, for trying
the product and for the benchmarks. Only for demo editions: never the historical record."""

from datetime import date, datetime, timedelta

from sqlmodel import Session

from app.agenda import publishing
from app.agenda import service as agenda_service
from app.agenda.schemas import AgendaItemCreate, SpeakerIn
from app.audit.service import Actor
from app.editions.models import Edition
from app.errors import InvalidInput
from app.i18n import N_

# (start, minutes, kind, room, visibility, titles en/fr/ar)
DAY_PLAN = [
    ("08:00", 60, "side_event", "Registration desk", "public",
     ("Registration and accreditation", "Enregistrement et accréditation", "التسجيل والاعتماد")),
    ("09:00", 60, "opening_ceremony", "Plenary hall", "public",
     ("Opening ceremony", "Cérémonie d'ouverture", "حفل الافتتاح")),
    ("10:00", 30, "break", None, "public",
     ("Coffee break", "Pause café", "استراحة قهوة")),
    ("10:30", 90, "plenary", "Plenary hall", "public",
     ("Plenary: the terrorist threat in Africa", "Plénière : la menace terroriste en Afrique",
      "جلسة عامة: التهديد الإرهابي في أفريقيا")),
    ("12:00", 30, "press", "Press room", "public",
     ("Press briefing", "Point de presse", "إحاطة صحفية")),
    ("12:30", 90, "meal", None, "participants",
     ("Lunch", "Déjeuner", "غداء")),
    ("14:00", 90, "working_session", "Room A", "public",
     ("Working session: border security", "Séance de travail : sécurité des frontières",
      "جلسة عمل: أمن الحدود")),
    ("14:00", 90, "working_session", "Room B", "public",
     ("Working session: countering the financing of terrorism",
      "Séance de travail : lutte contre le financement du terrorisme",
      "جلسة عمل: مكافحة تمويل الإرهاب")),
    ("14:00", 90, "working_session", "Room C", "participants",
     ("Working session: information sharing", "Séance de travail : échange d'informations",
      "جلسة عمل: تبادل المعلومات")),
    ("15:30", 30, "break", None, "public",
     ("Coffee break", "Pause café", "استراحة قهوة")),
    ("16:00", 60, "panel", "Room A", "public",
     ("Panel: prevention of violent extremism", "Panel : prévention de l'extrémisme violent",
      "حلقة نقاش: منع التطرف العنيف")),
    ("16:00", 60, "panel", "Room B", "public",
     ("Panel: victims of terrorism", "Panel : victimes du terrorisme",
      "حلقة نقاش: ضحايا الإرهاب")),
    ("16:00", 60, "panel", "Room C", "public",
     ("Panel: new technologies", "Panel : nouvelles technologies",
      "حلقة نقاش: التكنولوجيات الجديدة")),
    ("17:00", 30, "side_event", "Exhibition area", "public",
     ("Side event: training programmes", "Événement parallèle : programmes de formation",
      "حدث جانبي: برامج التدريب")),
    ("17:00", 60, "closed_door_meeting", "Room D", "closed",
     ("Heads of agencies: closed-door meeting", "Chefs d'agence : réunion à huis clos",
      "رؤساء الأجهزة: اجتماع مغلق")),
    ("17:30", 30, "plenary", "Plenary hall", "public",
     ("Reports from the working sessions", "Restitution des séances de travail",
      "تقارير جلسات العمل")),
    ("18:00", 30, "press", "Press room", "public",
     ("Press conference", "Conférence de presse", "مؤتمر صحفي")),
    ("18:30", 30, "side_event", "Exhibition area", "public",
     ("Side event: partner exhibition", "Événement parallèle : exposition des partenaires",
      "حدث جانبي: معرض الشركاء")),
    ("19:00", 30, "break", None, "participants",
     ("Transfer to the dinner venue", "Transfert vers le dîner", "الانتقال إلى مكان العشاء")),
    ("19:30", 120, "meal", "Garden pavilion", "participants",
     ("Official dinner", "Dîner officiel", "عشاء رسمي")),
]  # fmt: skip

SPEAKERS = [
    ("Speaker One", "Head of a national counter-terrorism agency"),
    ("Speaker Two", "United Nations Office of Counter-Terrorism"),
]


def add_demo_agenda(db_session: Session, *, edition: Edition, actor: Actor) -> None:
    """Give a demo edition a two-day agenda of 40 items and publish it as Rev.0."""
    if not edition.is_demo:
        raise InvalidInput(N_("Only a demo edition can receive the demo agenda."))
    first_day = edition.start_date or date.today()
    for offset in range(2):
        day = first_day + timedelta(days=offset)
        for start, minutes, kind, room, visibility, titles in DAY_PLAN:
            starts_at = datetime.fromisoformat(f"{day.isoformat()}T{start}")
            title_en, title_fr, title_ar = titles
            item_in = AgendaItemCreate(
                kind=kind,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=minutes),
                title_en=f"{title_en} (day {offset + 1})",
                title_fr=f"{title_fr} (jour {offset + 1})",
                title_ar=f"{title_ar} (اليوم {offset + 1})",
                description_en=f"{title_en}: synthetic demo content.",
                description_fr=f"{title_fr} : contenu de démonstration.",
                description_ar=f"{title_ar}: محتوى تجريبي.",
                room=room,
                chair="Demo Chair" if kind in ("plenary", "panel") else None,
                speakers=[SpeakerIn(name=n, function=f) for n, f in SPEAKERS]
                if kind in ("panel", "plenary", "working_session")
                else [],
                interpretation_languages=["ar", "en", "fr"] if room else [],
                visibility=visibility,
            )
            agenda_service.create_item(db_session, edition=edition, item_in=item_in, actor=actor)
    publishing.publish_agenda(
        db_session, edition=edition, note="Demo agenda, first publication.", actor=actor
    )
