"""Demo data for the card program, built through its services (``load``, after the case files).

Affiliated businesses in every category with their branches; the demo merchant login (comercio@…) linked to
one of them; applications in every state; cards issued, delivered, one replaced and one cancelled; and
validations at several tills, so the statistics have something to show.
"""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from violeta.accounts.models import Role
from violeta.accounts.services import staff_create
from violeta.card.models import Branch, Channel, Merchant, MerchantCategory, MerchantStatus
from violeta.card.services.applications import application_approve, application_reject, application_submit
from violeta.card.services.cards import card_cancel, card_deliver, card_issue, card_replace
from violeta.card.services.merchants import branch_add, merchant_account_link, merchant_save
from violeta.card.services.validation import card_validate
from violeta.core.demo import Demo
from violeta.core.validators import parse_phone
from violeta.people.demo import make_curp

PDF = b"%PDF-1.4\n% demo\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

MERCHANTS = [
    ("Súper Alianza", "supermercados", "5% en el total de tu compra", "De lunes a jueves.", 3),
    ("Abarrotes Doña Chuy", "supermercados", "3% en despensa básica", "", 1),
    ("Zapatería La Norteña", "ropa-calzado", "15% en calzado de temporada", "No aplica en liquidación.", 2),
    ("Boutique Mariposa", "ropa-calzado", "10% en toda la tienda", "", 1),
    ("Clínica Médica San Felipe", "clinicas", "20% en consulta general", "Previa cita.", 2),
    ("Laboratorio Clínico Vida", "clinicas", "25% en estudios de laboratorio", "", 1),
    ("Materiales y Ferretería El Roble", "materiales-hogar", "8% en material eléctrico y de plomería", "", 2),
    (
        "Restaurante La Cocina de Lupita",
        "restaurantes-entretenimiento",
        "10% en alimentos",
        "No acumulable.",
        1,
    ),
    ("Cinema Plaza Sol", "restaurantes-entretenimiento", "2x1 en boletos los martes", "Solo la titular.", 1),
    ("Taller Mecánico Hermanos Ríos", "mantenimiento-vehicular", "15% en mano de obra", "", 1),
    ("Lavandería Burbujas", "otros", "10% en servicio de lavado", "", 1),
    ("Óptica Mirada Clara", "otros", "20% en armazones", "", 1),
]
HOURS = ["Lunes a sábado, 9:00 a 21:00", "Lunes a viernes, 8:00 a 18:00", "Todos los días, 10:00 a 22:00"]
STREETS = ["Av. Universidad", "Av. Tecnológico", "Calle Juárez", "Av. de las Industrias", "Calle Aldama"]
# How many applications end in each state: (state, count)
PLAN = [
    ("received_online", 3),
    ("received_desk", 2),
    ("missing", 3),
    ("rejected", 2),
    ("approved", 3),
    ("issued", 4),
    ("delivered", 9),
]


def load(demo: Demo) -> None:
    rng, fake, users, curps = demo.rng, demo.fake, demo["accounts.users"], demo["people.curps"]
    office = users["tarjeta"]
    colonias = [n for n in demo["people.neighborhoods"] if n.municipality == "Chihuahua"]
    categories = {c.code: c for c in MerchantCategory.objects.all()}

    merchants, branches = [], []
    for index, (name, category, discount, conditions, count) in enumerate(MERCHANTS):
        merchant = merchant_save(
            by=office,
            name=name,
            category=categories[category],
            discount=discount,
            conditions=conditions,
            contact_name=fake.name(),
            contact_phone=parse_phone(demo.phone()),
            contact_email=f"contacto{index + 1}@comercio.example",
            agreement_start=date(2026, 1, 15) + (index % 4) * (date(2026, 2, 1) - date(2026, 1, 1)),
            agreement_end=date(2027, 12, 31),
            status=MerchantStatus.ACTIVE,
        )
        merchants.append(merchant)
        for number in range(count):
            branches.append(
                branch_add(
                    by=office,
                    merchant=merchant,
                    name="Matriz" if number == 0 else f"Sucursal {number + 1}",
                    address=f"{rng.choice(STREETS)} {rng.randrange(100, 4000)}",
                    neighborhood=rng.choice(colonias),
                    hours=rng.choice(HOURS),
                    phone=demo.phone(),
                )
            )
    merchant_save(
        by=office,
        name="Comercio con convenio vencido",
        category=categories["otros"],
        discount="5%",
        agreement_start=date(2024, 1, 1),
        agreement_end=date(2025, 12, 31),
        status=MerchantStatus.ENDED,
    )

    cards = []
    applications = 0
    for state, count in PLAN:
        for _index in range(count):
            birth = date(rng.randrange(1950, 2006), rng.randrange(1, 13), rng.randrange(1, 29))
            given, first, second = fake.first_name_female(), fake.last_name(), fake.last_name()
            curp = make_curp(given_names=given, first_surname=first, second_surname=second, birth_date=birth)
            if curp in curps:
                continue
            curps.add(curp)
            colonia = rng.choice(colonias)
            data = {
                "given_names": given,
                "first_surname": first,
                "second_surname": second,
                "birth_date": birth,
                "curp": curp,
                "address": f"{fake.street_name()} {rng.randrange(1, 3000)}",
                "postal_code": colonia.postal_code,
                "neighborhood": colonia,
                "phone": parse_phone(demo.phone()),
            }
            if state == "received_online":
                application = application_submit(
                    **data,
                    channel=Channel.ONLINE,
                    documents={
                        "proof_of_address": SimpleUploadedFile("recibo.pdf", PDF),
                        "identification": SimpleUploadedFile("ine.pdf", PDF),
                    },
                )
            elif state == "missing":
                application = application_submit(**data, channel=Channel.ONLINE)
            else:
                application = application_submit(
                    **data, channel=Channel.DESK, by=office, documents_checked_at_desk=True
                )
            applications += 1
            if state == "rejected":
                application_reject(
                    application=application,
                    by=office,
                    reason="El comprobante de domicilio no corresponde a la dirección registrada.",
                )
            if state in ("approved", "issued", "delivered"):
                application_approve(application=application, by=office)
            if state in ("issued", "delivered"):
                card = card_issue(application=application, by=office)
                if state == "delivered":
                    card_deliver(card=card, by=office)
                cards.append(card)

    # One card lost and replaced, one cancelled: their old numbers answer "not valid" at the till.
    replaced = card_replace(card=cards[-1], by=office, reason="Extravío reportado por la titular")
    cards[-1] = replaced
    card_cancel(card=cards[-2], by=office, reason="Cambio de domicilio fuera del municipio")
    active = [*cards[:-2], replaced]

    # Till accounts: the demo merchant login at Súper Alianza's main branch, and one more per business.
    tills = []
    merchant_user = users["comercio"]
    tills.append(
        merchant_account_link(by=office, user=merchant_user, merchant=merchants[0], branch=branches[0])
    )
    for index, merchant in enumerate(merchants[1:], start=2):
        user = staff_create(
            by=users["sistemas"],
            email=demo.email(f"caja{index}"),
            full_name=f"Caja {merchant.name}",
            role=Role.MERCHANT,
            password=None,
        )
        branch = Branch.objects.filter(merchant=merchant).order_by("pk").first()
        tills.append(merchant_account_link(by=office, user=user, merchant=merchant, branch=branch))
    uses = 0
    for till in tills:
        for _ in range(rng.randrange(1, 6)):
            card_validate(user=till.user, account=till, number=rng.choice(active).number)
            uses += 1
    demo.counts.update(
        card_merchants=Merchant.objects.count(),
        card_applications=applications,
        card_cards=len(cards) + 1,
        card_uses=uses,
    )
