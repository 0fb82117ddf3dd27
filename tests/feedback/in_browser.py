"""Opening a page from disk in Chromium and measuring it: what it requested and logged, its links, its overflow."""
from pathlib import Path

LINKS = """() => Array.from(document.querySelectorAll('a')).map(a => {
    const raw = a.getAttribute('href');
    return {raw, url: a.href, target: raw.startsWith('#') ? !!document.getElementById(raw.slice(1)) : null}; })"""
OVERFLOW = """() => { document.querySelectorAll('details').forEach(d => d.open = true);
    const wide = document.documentElement.scrollWidth - document.documentElement.clientWidth;
    const out = Array.from(document.body.querySelectorAll('*')).filter(e => {
        const box = e.getBoundingClientRect(); let p = e.parentElement;
        while (p && getComputedStyle(p).overflowX === 'visible') p = p.parentElement;
        return box.right > window.innerWidth + 1 && (!p || p === document.body || p === document.documentElement);
    }).map(e => e.tagName + '.' + e.className).slice(0, 5);
    return {wide, out}; }"""


def open_page(browser, path: Path, window: tuple):
    seen = {"requests": [], "console": [], "dialogs": []}
    context = browser.new_context(viewport={"width": window[0], "height": window[1]}, service_workers="block")
    page = context.new_page()
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("console", lambda m: seen["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen["console"].append(f"uncaught: {e}"))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, seen
