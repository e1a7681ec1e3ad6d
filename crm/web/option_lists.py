"""Gone: a SelectField made over (ListedSelectField, its <option> markup made once per list) did not pay for itself
(scripts/bench_speed_layers.py: 1.02–1.06× on the ranking pages). The name stays for crm/projects/filters.py until
it declares its district field as the SelectField it now is; then this module goes."""

from wtforms import SelectField as ListedSelectField

__all__ = ["ListedSelectField"]
