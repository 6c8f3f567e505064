"""Reading the sitemap as a search engine does: the index, then every page it lists."""

import xml.etree.ElementTree as ET

from django.test import Client

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


def sitemap_pages(client: Client) -> list[str]:
    """The addresses /sitemap.xml lists, each a page of one section."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{{{SITEMAP_NS['s']}}}sitemapindex"
    return [loc.text or "" for loc in root.iterfind("s:sitemap/s:loc", SITEMAP_NS)]


def sitemap_documents(client: Client) -> list[bytes]:
    """Every page of every section, as fetched from the addresses the index gives."""
    documents = []
    for address in sitemap_pages(client):
        response = client.get(address.removeprefix("http://testserver"))
        assert response.status_code == 200, address
        assert response["Content-Type"] == "application/xml"
        documents.append(response.content)
    return documents


def sitemap_entries(client: Client) -> dict[str, dict[str, str]]:
    """Each listed address with its hreflang alternates, from all the sitemap's pages."""
    entries = {}
    for document in sitemap_documents(client):
        for url in ET.fromstring(document).iterfind("s:url", SITEMAP_NS):
            alternates = {
                link.get("hreflang") or "": link.get("href") or ""
                for link in url.iterfind("x:link", SITEMAP_NS)
            }
            entries[url.findtext("s:loc", "", SITEMAP_NS)] = alternates
    return entries
