"""Her callback request as the journeys fill it: Rosa, 614 321 7788, no message, no SMS, 10 to 12, "girasol"."""

CHOICES = "No dejar mensaje · No enviar SMS · Mejor: de 10:00 a 12:00 · Palabra clave: girasol"


def fill_callback_request(page):
    """Fill the open request form (not sent): a call, and when and how it is safe to make it."""
    page.get_by_label("Que me llamen").check()
    page.get_by_label("¿Cómo te llamamos?").fill("Rosa")
    page.get_by_label("Teléfono donde podemos llamarte").fill("614 321 7788")
    page.get_by_role("group", name="Si no contestas, ¿podemos dejarte un mensaje?").get_by_label("No").check()
    page.get_by_role("group", name="¿Podemos enviarte un mensaje de texto (SMS)?").get_by_label("No").check()
    page.get_by_label("Días u horas que te convienen").fill("de 10:00 a 12:00")
    page.get_by_label("Una palabra clave").fill("girasol")
