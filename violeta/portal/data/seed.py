"""The public site's first content (data migration portal 0002), from what the institute says of itself in the
municipality's news (docs DOMAIN.md). Staff change all of it in Violeta afterwards; this is only the start."""

PHONES = "**614 490 0789** (jurídico gratuito) y **614 410 2305** (atención en situación de violencia)"

OFFERINGS = [
    {
        "slug": "juridica",
        "kind": "service",
        "order": 10,
        "title": "Atención y orientación jurídica",
        "summary": "Asesoría y representación legal gratuita: divorcio, pensión alimenticia, actas y más.",
        "offers": (
            "Asesoría y representación legal **gratuita** en asuntos familiares:\n\n"
            "- divorcio;\n- pensión alimenticia;\n- corrección de actas de nacimiento;\n"
            "- reconocimiento de paternidad;\n- orientación sobre órdenes de protección y denuncias."
        ),
        "audience": "Mujeres del municipio de Chihuahua que necesitan orientación o representación legal.",
        "how_to": (
            f"Llama de lunes a viernes de 9:00 a 15:00 al {PHONES}, o ven a nuestras oficinas. "
            "También te atendemos por videollamada."
        ),
    },
    {
        "slug": "psicologia",
        "kind": "service",
        "order": 20,
        "title": "Atención psicológica",
        "summary": "Acompañamiento psicológico gratuito y confidencial.",
        "offers": (
            "Sesiones de atención psicológica, en persona o por videollamada, con un plan de trabajo hecho "
            "contigo. Lo que hablas con tu psicóloga solo lo lee el área de psicología."
        ),
        "audience": "Mujeres que viven o vivieron violencia, o que atraviesan una situación difícil.",
        "how_to": f"Pide tu cita por teléfono al {PHONES}, o pide que te llamemos.",
    },
    {
        "slug": "trabajo-social",
        "kind": "service",
        "order": 30,
        "title": "Trabajo social",
        "summary": "Orientación, gestiones y canalización: becas, trámites y apoyo de otras oficinas.",
        "offers": (
            "Asesoría técnica, canalización y orientación en muchos temas: solicitudes de becas, "
            "canalización a oficinas de gobierno y acompañamiento en tus trámites."
        ),
        "audience": "Mujeres en situación de vulnerabilidad del municipio de Chihuahua.",
        "how_to": f"Llama al {PHONES} o ven a nuestras oficinas en horario de atención.",
    },
    {
        "slug": "atencion-violencia",
        "kind": "service",
        "order": 40,
        "title": "Atención a mujeres en situación de violencia",
        "summary": "Atención, acompañamiento y canalización, sin hacerte contar tu historia una y otra vez.",
        "offers": (
            "Atención y acompañamiento de mujeres que viven violencia familiar o de género, con un protocolo que "
            "cuida tu integridad y **evita la revictimización**: cuentas tu historia una vez. Hacemos contigo un "
            "plan de seguridad y, si lo decides, te canalizamos con DIF, Seguridad Pública o la Fiscalía "
            "(programa *Juntas por nosotras*)."
        ),
        "audience": "Cualquier mujer que vive o vivió violencia en el municipio de Chihuahua.",
        "how_to": (
            "Si estás en peligro ahora, **llama al 9-1-1**. Para atención, llama al **614 410 2305** "
            "de lunes a viernes de 9:00 a 15:00, pide que te llamemos cuando sea seguro o ven a nuestras oficinas."
        ),
    },
    {
        "slug": "superacion-en-accion",
        "kind": "program",
        "order": 50,
        "title": "Superación en acción",
        "summary": "Cursos de oficios y formación humana para tu autonomía económica.",
        "offers": (
            "Cursos de proyectos productivos: capacitación en oficios y desarrollo personal, con acompañamiento "
            "psicológico, jurídico y educativo, y vínculos con otras instituciones para que logres tu autonomía "
            "social y económica."
        ),
        "audience": "Mujeres víctimas de violencia o en situación de vulnerabilidad.",
        "how_to": f"Pregunta por la próxima generación al {PHONES}.",
    },
    {
        "slug": "transversalidad",
        "kind": "program",
        "order": 60,
        "title": "Transversalidad con perspectiva de género",
        "summary": "Capacitaciones para empresas, escuelas, asociaciones y dependencias de gobierno.",
        "offers": (
            "Pláticas y talleres sobre equidad de género, igualdad sustantiva y prevención de la violencia, "
            "en persona o en línea, con constancia para quienes asisten."
        ),
        "audience": "Asociaciones civiles, escuelas, empresas y dependencias de gobierno.",
        "how_to": "Solicita una capacitación con el formulario de esta página y te llamamos para acordarla.",
    },
    {
        "slug": "imm-en-tu-empresa",
        "kind": "program",
        "order": 70,
        "title": "IMM en tu empresa",
        "summary": "Los servicios del Instituto en tu lugar de trabajo.",
        "offers": (
            "Visitas a empresas de la industria manufacturera afiliadas a Grupo INDEX: capacitaciones en persona "
            "o en línea y asesoría jurídica individual por videollamada para las trabajadoras."
        ),
        "audience": "Trabajadoras y empresas afiliadas a Grupo INDEX.",
        "how_to": "Si tu empresa quiere participar, solicita una capacitación y te contactamos.",
    },
    {
        "slug": "tarjeta",
        "kind": "program",
        "order": 80,
        "title": "Tarjeta «Mi apoyo, Mi bienestar»",
        "summary": "Descuentos en comercios afiliados para las mujeres del municipio.",
        "offers": (
            "Descuentos en supermercados, ropa y calzado, clínicas, materiales para el hogar, restaurantes, "
            "entretenimiento, mantenimiento de vehículos y más."
        ),
        "audience": "Mujeres de **18 años o más** que viven en el municipio de Chihuahua.",
        "how_to": (
            "Requisitos: identificación oficial, comprobante de domicilio en el municipio y tu CURP. "
            "Solicítala en línea desde tu teléfono o en nuestras oficinas."
        ),
    },
    {
        "slug": "mia",
        "kind": "program",
        "order": 90,
        "title": "Aplicación MIA Chihuahua",
        "summary": "Una alerta con tu ubicación a tu red de apoyo, en un toque.",
        "offers": (
            "En una situación de riesgo, MIA envía un **mensaje de texto con tu ubicación** a tus contactos de "
            "emergencia, tu red de apoyo."
        ),
        "audience": "Mujeres del municipio que quieren tener a mano una alerta para su red de apoyo.",
        "how_to": (
            "MIA se abre en el navegador de tu teléfono: no se descarga de ninguna tienda. Pide tu código de "
            "registro en el Instituto, abre MIA, regístrate y agrega al menos un contacto.\n\n"
            "**Cómo te protege:** no tiene un ícono que llame la atención, no guarda tu historial en el teléfono "
            "y tus contactos reciben un mensaje neutro. Si alguien revisa tu teléfono, usa el modo privado "
            "(lee *Navega con seguridad*)."
        ),
    },
]

TEXTS = [
    {
        "slug": "inicio",
        "title": "Estamos para ti",
        "summary": "Atención gratuita y confidencial para las mujeres del municipio de Chihuahua.",
        "body": (
            "En el Instituto Municipal de las Mujeres te damos **asesoría jurídica, atención psicológica y "
            "trabajo social gratuitos**, y te acompañamos si vives violencia. Te atendemos en persona, por "
            "teléfono o por videollamada."
        ),
    },
    {
        "slug": "navega-con-seguridad",
        "title": "Navega con seguridad",
        "summary": "Cómo visitar este sitio sin dejar rastro en tu teléfono o computadora.",
        "body": (
            "## Usa el modo privado\n\n"
            "Abre una ventana en **modo privado** (incógnito): el navegador no guarda las páginas que visitas. "
            "En Chrome: menú ⋮ › *Nueva pestaña de incógnito*. En Safari: pestañas › *Privado*.\n\n"
            "## Borra tu historial\n\n"
            "Si no usaste el modo privado, borra del historial solo las páginas de este sitio: borrar todo "
            "puede llamar la atención.\n\n"
            "## Si compartes tu teléfono o alguien lo revisa\n\n"
            "- Revisa también las llamadas y los mensajes recientes.\n"
            "- Si llamas al Instituto, puedes borrar la llamada del registro.\n"
            "- Cuando pidas que te llamemos, dinos a qué hora y a qué número es seguro.\n"
            "- Si puedes, usa un teléfono de confianza (de una amiga, del trabajo)."
        ),
    },
    {
        "slug": "salida-rapida",
        "title": "Lo que la salida rápida puede y no puede ocultar",
        "summary": "",
        "body": (
            "El botón **Salida rápida** (o la tecla Escape, o Mayúsculas tres veces) cambia esta página al "
            "instante por otro sitio, y el botón Atrás no regresa aquí.\n\n"
            "**No puede** borrar tu historial del navegador ni las llamadas o mensajes de tu teléfono: para "
            "eso, usa el modo privado y lee los consejos de esta página."
        ),
    },
    {
        "slug": "verificar",
        "title": "Verifica una constancia o un oficio",
        "summary": "Comprueba que una constancia de capacitación o un oficio de canalización es auténtico.",
        "body": (
            "Cada constancia y cada oficio que emite el Instituto tiene un **código QR** y una dirección de "
            "verificación impresa.\n\n"
            "1. Escanea el código QR con la cámara de tu teléfono, o escribe en tu navegador la dirección "
            "impresa.\n"
            "2. La página del Instituto te dice si el documento es válido, a nombre de quién y de qué fecha.\n"
            "3. Si la página dice que no existe o que fue cancelado, el documento no es válido: llámanos."
        ),
    },
]

FIELDS = ("title", "summary", "body", "offers", "audience", "how_to", "is_published", "order")


def load(Entry, Revision, SiteContact, *, address: str) -> None:
    """Create what is missing of the first content (models passed in: the migration's historical ones, or the
    real ones in a test that emptied the tables). Entries already there are left as staff wrote them."""
    from urllib.parse import quote

    from violeta.portal import markdown

    texts = [{**text, "kind": "text", "order": 100 + i} for i, text in enumerate(TEXTS)]
    for data in OFFERINGS + texts:
        values = {name: data.get(name, "") for name in FIELDS}
        values["is_published"], values["order"] = True, data["order"]
        for name in ("body", "offers", "audience", "how_to"):
            values[f"{name}_html"] = markdown.render(values[name])
        entry, created = Entry.objects.get_or_create(
            slug=data["slug"], defaults={"kind": data["kind"], **values}
        )
        if created:
            snapshot = {name: getattr(entry, name) for name in FIELDS}
            Revision.objects.create(entry=entry, number=1, fields=snapshot, note="contenido inicial")
    SiteContact.objects.get_or_create(
        pk=1,
        defaults={
            "address": address,
            "map_url": "https://www.openstreetmap.org/search?query=" + quote(address),
        },
    )
