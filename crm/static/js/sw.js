// The service worker: see crm/offline/views.py.
