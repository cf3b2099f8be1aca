"""The search engine: Whoosh's reader and matching, the term lexicon and the caches.

``search.service`` (what pages and the API call) is built on it; nothing here knows
about users or pages. Every use of Whoosh's private attributes is in ``whoosh_private``.
"""
