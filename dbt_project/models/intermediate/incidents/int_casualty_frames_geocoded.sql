{{ config(materialized='table') }}

with

frames as (

    select
        * exclude (location_id),
        location_id as nlp_location_id

    from {{ ref('int_frames_dated') }}
    where frame_type in ('casualty_event', 'casualty_tally')

),

places as (

    select * from {{ ref('places') }}

),

place_aliases as (

    select * from {{ ref('int_place_aliases_unioned') }}

),

place_kinds as (

    select * from {{ ref('place_kinds') }}

),

admin1_hints as (

    -- The governorate the text names for a place ("Idlib's Bara"), resolved to the gazetteer.
    select
        frames.frame_id,
        place_aliases.location_id as admin1_location_id,
        place_aliases.location_name as admin1_name,
        place_aliases.latitude as admin1_latitude,
        place_aliases.longitude as admin1_longitude

    from frames
    inner join place_aliases
        on {{ name_key('frames.location_admin1_hint') }} = place_aliases.alias_key
    where place_aliases.location_kind = 'admin1'
    qualify row_number() over (partition by frames.frame_id order by place_aliases.location_id) = 1

),

known_places as (

    -- The NLP's location_id, where the gazetteer has it and it lies in the governorate the
    -- text names (if it names one): "Aleppo's X" is not a same-named X of Idlib.
    select
        frames.frame_id,
        places.location_id

    from frames
    inner join places
        on frames.nlp_location_id = places.location_id
    left join admin1_hints
        on frames.frame_id = admin1_hints.frame_id
    where
        admin1_hints.admin1_name is null
        or places.admin1 is null
        or {{ name_key('places.admin1') }} = {{ name_key('admin1_hints.admin1_name') }}

),

by_name as (

    -- Mentions the NLP left unresolved, matched by name key; a place in the hinted
    -- governorate wins, then the most specific kind of place.
    select
        frames.frame_id,
        place_aliases.location_id

    from frames
    inner join place_aliases
        on {{ name_key('frames.location_mention') }} = place_aliases.alias_key
    left join admin1_hints
        on frames.frame_id = admin1_hints.frame_id
    left join place_kinds
        on place_aliases.location_kind = place_kinds.kind
    left join known_places
        on frames.frame_id = known_places.frame_id
    where
        known_places.frame_id is null
        and (
            admin1_hints.admin1_name is null
            or place_aliases.admin1 is null
            or {{ name_key('place_aliases.admin1') }} = {{ name_key('admin1_hints.admin1_name') }}
        )
    qualify row_number() over (
            partition by frames.frame_id
            order by
                (admin1_hints.admin1_name is not null and place_aliases.admin1 = admin1_hints.admin1_name) desc,
                coalesce(place_kinds.match_priority, 99),
                place_aliases.location_id
        ) = 1

),

resolved as (

    select
        frames.*,
        coalesce(known_places.location_id, by_name.location_id) as resolved_location_id

    from frames
    left join known_places
        on frames.frame_id = known_places.frame_id
    left join by_name
        on frames.frame_id = by_name.frame_id

),

geocoded as (

    select
        resolved.*,
        places.location_id,
        coalesce(places.name, resolved.location_mention) as location_name,
        places.kind as location_kind,
        coalesce(
            places.admin1,
            case when places.kind = 'admin1' then places.name end,
            admin1_hints.admin1_name
        ) as admin1,
        coalesce(places.admin2, case when places.kind = 'admin2' then places.name end) as admin2,
        coalesce(places.latitude, admin1_hints.admin1_latitude) as latitude,
        coalesce(places.longitude, admin1_hints.admin1_longitude) as longitude,
        -- An unresolved place is placed at an admin unit's centroid: precision 3 whatever
        -- the NLP thought of the mention.
        cast(case
            when places.location_id is null then 3
            else coalesce({{ attr_int('geo_precision', 'resolved.attrs') }}, place_kinds.geo_precision, 3)
        end as integer) as geo_precision

    from resolved
    left join places
        on resolved.resolved_location_id = places.location_id
    left join place_kinds
        on places.kind = place_kinds.kind
    left join admin1_hints
        on resolved.frame_id = admin1_hints.frame_id

),

document_admin1s as (

    -- The one governorate an article's resolved places lie in, if they all lie in one.
    select
        document_id,
        min(admin1) as admin1

    from geocoded
    where location_id is not null and admin1 is not null
    group by document_id
    having count(distinct admin1) = 1

),

admin1_centroids as (

    select
        name as admin1,
        latitude,
        longitude

    from places
    where kind = 'admin1'
    qualify row_number() over (partition by name order by location_id) = 1

),

placed as (

    -- An unresolved place the text gives no governorate for falls back to the article's.
    select
        geocoded.* replace (
            coalesce(geocoded.admin1, document_admin1s.admin1) as admin1,
            coalesce(geocoded.latitude, admin1_centroids.latitude) as latitude,
            coalesce(geocoded.longitude, admin1_centroids.longitude) as longitude
        )

    from geocoded
    left join document_admin1s
        on
            geocoded.document_id = document_admin1s.document_id
            and geocoded.location_id is null
            and geocoded.admin1 is null
            and geocoded.location_mention is not null
    left join admin1_centroids
        on document_admin1s.admin1 = admin1_centroids.admin1

)

select
    *,
    -- What identifies the place for merging across articles: the gazetteer id, else the
    -- smallest admin unit the text supports plus the mention's name key.
    coalesce(
        location_id,
        'unresolved:'
        || coalesce({{ name_key('coalesce(admin2, admin1)') }}, 'syria')
        || ':'
        || coalesce({{ name_key('location_mention') }}, frame_id)
    ) as location_key

from placed
