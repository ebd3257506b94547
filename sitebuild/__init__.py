"""The site build, one module a concern (build_site.py is the entry point over it):

urls (the URL layout, written once) -> flows (checked flows, steps, flow JSON) -> pages (the
generated Markdown pages) -> staging (the staged docs/) and diagrams (SVG at build time) ->
postprocess (MkDocs' output: step pages, sitemap, search index) -> wheels and artefacts (the
browser's runtime, cached by the hash of its inputs) -> manifest (what the build produced, for
the service worker, the walker and the tests) -> build (the phases in order) -> serve (live
reload). citations (grades on the reading pages' footnotes) and common (errors, hashes, scratch
projects) serve them all. The engine runs in the browser too and stays small: what only the site
build needs lives here.
"""
