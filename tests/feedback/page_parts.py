"""A feedback page taken apart with the standard library's HTML parser: its text, links, ids and tags."""
from html.parser import HTMLParser


class Parts(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags, self.ids, self.hrefs, self.chunks = [], [], [], []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a":
            self.hrefs.append(attrs.get("href"))
        self.attrs = getattr(self, "attrs", []) + [(tag, attrs)]

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)
