{#-
  Invariant: none of the columns is null. dbt's `not_null` on several columns of one model as
  one test (one query, one failures table): a failing row is a row with any of them null.
-#}
{% test not_null_columns(model, columns) %}
select *
from {{ model }}
where {% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}
