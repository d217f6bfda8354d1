"""The council's own brand: its name, colour and logo; never the GOV.UK crown or font."""

from django.core.files.base import ContentFile

LOGO_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
    b'<rect width="40" height="40"/></svg>'
)


def test_pages_carry_the_councils_name_and_colour(client, people, southwark):
    southwark.brand_colour = "#2e358b"
    southwark.save()
    client.force_login(people["officer"])
    page = client.get("/").content.decode()
    assert "London Borough of Southwark" in page
    assert "--govuk-brand-colour: #2e358b;" in page
    assert "govuk-crest" not in page and "govuk-logo" not in page


def test_the_default_colour_comes_from_settings(client, people, settings):
    settings.DEFAULT_BRAND_COLOUR = "#005ea5"
    client.force_login(people["officer"])
    assert "--govuk-brand-colour: #005ea5;" in client.get("/").content.decode()


def test_the_logo_is_served_so_it_cannot_run_script(client, people, southwark, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    southwark.logo.save("southwark.svg", ContentFile(LOGO_SVG))
    client.force_login(people["officer"])
    page = client.get("/").content.decode()
    assert f'src="/councils/{southwark.code}/logo"' in page
    response = client.get(f"/councils/{southwark.code}/logo")
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_stylesheet_uses_no_govuk_font(client):
    from django.contrib.staticfiles import finders

    path = finders.find("build/app.css")
    assert path, "the stylesheet is not built: run deploy/local/build-frontend.sh"
    with open(path, encoding="utf-8") as stylesheet:
        css = stylesheet.read()
    assert "GDS Transport" not in css and "@font-face" not in css
    assert "font-family:arial,sans-serif" in css
