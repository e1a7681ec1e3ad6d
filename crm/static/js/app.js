// Registers the service worker and sends queued visits.
