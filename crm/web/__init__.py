"""The web layer every feature shares: error pages, form pieces, language, pagination, security headers, templating."""
