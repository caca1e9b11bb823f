-- A newer crawl of a search replaces that search's raw pages. Params: request.
DELETE FROM raw.catalog_pages WHERE request = $request
