{#- Date resolution: the NLP hands over date parts (date_kind + date_year/month/day/weekday/
    offset_days); the date they mean depends on the publication date, so it is resolved here.

    absolute   y-m-d as written
    month_day  m-d; year from publication, minus one if that lands > 1 day after publication
    month      y-m (first of month); without a year: publication's year, minus one if after it
    year       y-01-01
    weekday    the latest such ISO weekday on or before publication (publication day counts)
    relative   publication + offset_days
    Without a publication date, month_day / weekday / relative resolve to null. Impossible
    dates (30 February) resolve to null rather than failing the build. -#}
{% macro resolve_event_date(kind, year, month, day, weekday, offset_days, published) -%}
    case
        when {{ kind }} = 'absolute'
            then try(make_date({{ year }}, {{ month }}, {{ day }}))
        when {{ kind }} = 'month_day' and {{ year }} is not null
            then try(make_date({{ year }}, {{ month }}, {{ day }}))
        when {{ kind }} = 'month_day'
            then
                case
                    when
                        try(make_date(year({{ published }}), {{ month }}, {{ day }}))
                        > {{ published }} + 1
                        then try(make_date(year({{ published }}) - 1, {{ month }}, {{ day }}))
                    else try(make_date(year({{ published }}), {{ month }}, {{ day }}))
                end
        when {{ kind }} = 'month' and {{ year }} is not null
            then try(make_date({{ year }}, {{ month }}, 1))
        when {{ kind }} = 'month'
            then
                case
                    when try(make_date(year({{ published }}), {{ month }}, 1)) > {{ published }}
                        then try(make_date(year({{ published }}) - 1, {{ month }}, 1))
                    else try(make_date(year({{ published }}), {{ month }}, 1))
                end
        when {{ kind }} = 'year'
            then try(make_date({{ year }}, 1, 1))
        when {{ kind }} = 'weekday'
            then
                {{ published }}
                - cast((isodow({{ published }}) - {{ weekday }} + 7) % 7 as integer)
        when {{ kind }} = 'relative'
            then {{ published }} + cast({{ offset_days }} as integer)
    end
{%- endmacro %}

{#- The precision of what resolve_event_date returned: 'unknown' whenever it returned null. -#}
{% macro resolve_date_precision(kind, resolved_date) -%}
    case
        when {{ resolved_date }} is null then 'unknown'
        when {{ kind }} = 'month' then 'month'
        when {{ kind }} = 'year' then 'year'
        else 'day'
    end
{%- endmacro %}
