"""Every main page fits a 390 px phone in Russian (long words) and in English: the document
never scrolls sideways, no header link, button, form control or table box pokes out of the
screen, and the page's heading is on the first screen. At 1280 px nothing overflows either.

One browser and one context per language and width; the pages are visited in a loop."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from network.models import Topic
from notifications import services as notification_services
from search import index
from sops import services
from sops.models import SOP
from tests import factories

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# The outermost elements that stick out of the viewport, unless a scrolling box (a table's
# container) holds them. A description names each, so a failure says what to fix.
OVERFLOWING = """() => {
  const width = window.innerWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + " «" + (el.innerText || el.value || "").trim().slice(0, 40) + "»";
  const scrolls = (el) => !["visible", "clip"].includes(getComputedStyle(el).overflowX);
  // How far the element's box, or its content spilling out of it, reaches; null if inside.
  const out = (el) => {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) return null;
    const right = scrolls(el) ? box.right : Math.max(box.right, box.left + el.scrollWidth);
    return right > width + 1 || box.left < -1 ? Math.round(box.left) + ".." + Math.round(right) : null;
  };
  const found = [];
  // The innermost element that pokes out: a scrolling box (a table's container) holds its content.
  const walk = (el) => {
    let inner = false;
    for (const child of el.children) {
      const where = out(child);
      if (!where) continue;
      inner = true;
      if (scrolls(child) || !walk(child)) found.push(describe(child) + " reaches " + where + " px");
    }
    return inner;
  };
  walk(document.body);
  const doc = document.documentElement;
  if (doc.scrollWidth > width + 1) found.push("the document is " + doc.scrollWidth + " px wide");
  return found;
}"""

RU_TITLE = (
    "Обеззараживание транспортных средств после контакта с высокопатогенными "
    "микроорганизмами на пунктах пропуска через государственную границу"
)
RU_BODY = """## Область применения

Настоящая стандартная операционная процедура устанавливает порядок санитарно-эпидемиологического
контроля и дезинфекционной обработки транспортных средств, прибывающих из неблагополучных
территорий, в том числе с использованием гипохлоритсодержащих дезинфицирующих средств.

## Ответственность

| Должность | Обязанности |
| --- | --- |
| Санитарно-карантинный врач пункта пропуска | Принимает решение о проведении дезинфекционной обработки |
| Инспектор таможенного контроля | Обеспечивает задержку транспортного средства до окончания обработки |

## Порядок действий

| № | Этап | Ответственный | Средства индивидуальной защиты | Продолжительность |
| --- | --- | --- | --- | --- |
| 1 | Предварительный осмотр | Санитарно-карантинный врач | Противочумный костюм первого типа | 15 минут |
| 2 | Дезинфекционная обработка | Дезинфектор | Фильтрующий противогаз, перчатки | 30 минут |

1. Остановить транспортное средство на санитарно-карантинной площадке.
2. Провести дезинфекцию колёс и днища.
"""


@pytest.fixture
def site(private_index, publisher, member, home_agency, django_capture_on_commit_callbacks):
    """A Russian procedure with two versions, a Russian expert and agency, an inbox item."""
    russian = factories.language("ru", "Russian")
    home_agency.name = "Научно-исследовательский институт эпидемиологии и микробиологии"
    home_agency.acronym = "НИИЭМ"
    home_agency.save()
    topic = Topic.objects.create(
        slug="decon", name="Дезактивация и дезинфекция", kind=Topic.Kind.AREA
    )
    factories.expert(
        agency=home_agency,
        full_name="Александра Константиновна Преображенская-Тимофеевская",
        position="Заведующая лабораторией особо опасных инфекций",
        username="expert-ru",
    )
    with django_capture_on_commit_callbacks(execute=True):
        draft = services.sop_create(
            agency=home_agency,
            reference="САН-КАРАНТИН-2024-017",
            title=RU_TITLE,
            body=RU_BODY,
            language=russian,
            by=publisher,
            visibility=SOP.Visibility.PUBLIC,
            topics=[topic],
        )
        v1 = services.version_publish(version=draft, by=publisher)
        notification_services.subscription_set(by=member, target=v1.sop)
        draft = services.version_start_revision(sop=v1.sop, by=publisher, change_kind="major")
        services.version_update(
            version=draft,
            by=publisher,
            expected_edit_count=0,
            body=RU_BODY + "3. Зарегистрировать обработку в журнале дезинфекционных мероприятий.\n",
        )
        v2 = services.version_publish(
            version=draft, by=publisher, change_summary="Добавлена регистрация обработки."
        )
    index.rebuild()
    return v1, v2


def _pages(live_server, v1, v2, expert, agency, *, signed_in: bool) -> dict[str, str]:
    sop = v2.sop
    pages = {
        "home": "/",
        "procedure list": "/sops/",
        "procedure": sop.get_absolute_url(),
        "version": v1.get_absolute_url(),
        "compare": f"/sops/{sop.pk}/compare/?a={v1.pk}&b={v2.pk}",
        "compare side by side": f"/sops/{sop.pk}/compare/?a={v1.pk}&b={v2.pk}&view=side",
        "search": "/search/?q=обеззараживание",
        "agency": agency.get_absolute_url(),
    }
    if signed_in:
        pages |= {
            "expert directory": "/experts/",
            "expert": f"/experts/{expert.pk}/",
            "inbox": "/notifications/",
            "profile": "/profile/",
            "following": "/notifications/following/",
        }
    else:
        pages |= {"sign-in": "/accounts/login/", "sign-up": "/signup/"}
    return {name: live_server.url + path for name, path in pages.items()}


def _check_pages(page, pages, language):
    """Each page on a phone (the heading on the first screen, the folded filters opened),
    then the same page widened to a desktop."""
    problems = []
    for name, url in pages.items():
        page.set_viewport_size(PHONE)
        page.goto(url)
        where = f"{name} ({language})"
        assert page.evaluate("document.documentElement.lang") == language, where
        h1 = page.locator("main h1").first
        box = h1.bounding_box() if h1.is_visible() else None
        if not box or page.evaluate("window.scrollY") != 0:
            problems.append(f"{where}: no visible main heading")
        elif box["y"] < 0 or box["y"] + box["height"] > PHONE["height"]:
            problems.append(f"{where}: the main heading is off the first screen: {box}")
        if name == "procedure list":
            page.get_by_test_id("filter-disclosure").locator(":scope > summary").click()
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            if shots := os.environ.get("FRONTLINE_LAYOUT_SHOTS"):  # to look at them
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/{where} {viewport['width']}.png", full_page=True)
            found = page.evaluate(OVERFLOWING)
            found[5:] = [f"and {len(found) - 5} more"] if len(found) > 6 else found[5:]
            problems += [f"{where} at {viewport['width']} px: {item}" for item in found]
    return problems


def test_main_pages_fit_a_phone_and_a_desktop_in_russian_and_english(
    site, live_server, new_page, sign_in, member
):
    v1, v2 = site
    expert = factories.Expert.objects.get(user__username="expert-ru")
    args = (live_server, v1, v2, expert, v2.sop.agency)
    problems = []
    for language in ("ru", "en"):  # one context each: its cookie asks for the language
        # A signed-in member's stored language wins over the cookie (frontline/locale.py),
        # and signing in stores the cookie's: set it as the menu would for this pass.
        factories.Expert.objects.filter(user=member).update(language=language)
        page = new_page(viewport=PHONE)
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        problems += _check_pages(page, _pages(*args, signed_in=False), language)
        sign_in(page, "member", factories.PASSWORD)
        problems += _check_pages(page, _pages(*args, signed_in=True), language)
    assert not problems, "\n".join(problems)
