"""The header fits one row on a phone: the brand and a menu button that opens the
navigation (static/js/site.js, loaded before the header so the menu is never shown
and then folded away). Without JavaScript the button stays hidden and the menu
shown (static/css/site.css)."""

from html.parser import HTMLParser

from django.urls import reverse


class Header(HTMLParser):
    """The header's menu button, what sits inside #site-menu and the scripts."""

    def __init__(self):
        super().__init__()
        self.button = None
        self.depth = 0
        self.in_menu = []
        self.language_buttons = []
        self.head_scripts = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        if tag == "script" and self.in_head:
            self.head_scripts.append(attrs.get("src"))
        if tag == "button" and "menu-button" in attrs.get("class", ""):
            self.button = attrs
        if attrs.get("id") == "site-menu":
            self.depth = 1
        elif self.depth and tag not in ("input", "br", "img"):
            self.depth += 1
        if self.depth:
            self.in_menu.append(attrs.get("class") or tag)
        if tag == "button" and attrs.get("name") == "language":
            self.language_buttons.append((attrs["value"], attrs.get("lang")))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        if self.depth:
            self.depth -= 1


def header_of(page: str) -> Header:
    header = Header()
    header.feed(page)
    return header


def test_the_menu_button_controls_the_navigation_and_the_language_and_starts_closed(
    client, db
):
    header = header_of(client.get(reverse("home")).text)

    assert header.button["type"] == "button"
    assert header.button["aria-expanded"] == "false"
    assert header.button["aria-controls"] == "site-menu"
    assert "main-nav" in header.in_menu
    assert "language" in header.in_menu


def test_the_script_that_opens_the_menu_is_a_static_file_run_before_the_header(
    client, db
):
    header = header_of(client.get(reverse("home")).text)

    assert header.head_scripts == ["/static/js/site.js"]


def test_the_language_switch_is_one_button_naming_the_other_language_in_itself(
    client, db
):
    zh = header_of(client.get(reverse("home")).text)
    client.cookies["django_language"] = "en"
    en = header_of(client.get(reverse("home")).text)

    assert zh.language_buttons == [("en", "en")]
    assert en.language_buttons == [("zh-hans", "zh-hans")]
