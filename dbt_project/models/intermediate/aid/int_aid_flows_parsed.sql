with

frames as (

    select * from {{ ref('int_frames_dated') }}
    where frame_type = 'aid_flow'

),

crossings as (

    select * from {{ ref('crossings') }}

),

place_aliases as (

    select * from {{ ref('int_place_aliases_unioned') }}

),

crossing_aliases as (

    -- A crossing is known by its Syrian name, its Turkish name and the gazetteer's aliases
    -- (Bab al-Hawa = Cilvegözü).
    select
        location_id,
        {{ name_key('name') }} as alias_key

    from crossings

    union

    select
        location_id,
        {{ name_key('turkish_name') }} as alias_key

    from crossings

    union

    select
        crossings.location_id,
        place_aliases.alias_key

    from crossings
    inner join place_aliases
        on crossings.location_id = place_aliases.location_id

),

parsed as (

    select
        frame_id,
        document_id,
        frame_index,
        published_date,
        event_date,
        date_precision,
        {{ attr_text('kind') }} as kind,
        {{ attr_text('crossing_mention') }} as crossing_mention,
        {{ attr_text('crossing_id') }} as nlp_crossing_id,
        {{ attr_int('crossings_count') }} as crossings_count,
        {{ attr_text('from_country') }} as from_country,
        {{ attr_text('to_area') }} as to_area,
        {{ attr_text('agency') }} as agency,
        {{ attr_text('authorised_by') }} as authorised_by,
        {{ attr_text('status') }} as status,
        {{ attr_double('quantity') }} as quantity,
        {{ attr_text('unit') }} as unit,
        {{ attr_double('share_pct') }} as share_pct,
        {{ attr_int('duration_days') }} as duration_days,
        {{ attr_text('duration_text') }} as duration_text,
        {{ attr_text('period_start_text') }} as period_start_text,
        {{ attr_text('cause') }} as cause,
        evidence_text,
        evidence_start_char,
        evidence_end_char

    from frames

),

known_crossings as (

    -- The NLP's crossing_id, where the crossings seed has it.
    select
        parsed.frame_id,
        crossings.location_id

    from parsed
    inner join crossings
        on parsed.nlp_crossing_id = crossings.location_id

),

by_name as (

    select
        parsed.frame_id,
        crossing_aliases.location_id

    from parsed
    inner join crossing_aliases
        on {{ name_key('parsed.crossing_mention') }} = crossing_aliases.alias_key
    where crossing_aliases.alias_key is not null
    qualify row_number() over (partition by parsed.frame_id order by crossing_aliases.location_id) = 1

),

resolved as (

    select
        parsed.*,
        crossings.location_id as crossing_id,
        crossings.name as crossing_name,
        crossings.from_country as crossing_from_country,
        crossings.to_area as crossing_to_area

    from parsed
    left join by_name
        on parsed.frame_id = by_name.frame_id
    left join known_crossings
        on parsed.frame_id = known_crossings.frame_id
    left join crossings
        on coalesce(known_crossings.location_id, by_name.location_id) = crossings.location_id

)

select
    * exclude (crossing_name, from_country, to_area, crossing_from_country, crossing_to_area),
    coalesce(crossing_name, crossing_mention) as crossing_name,
    coalesce(from_country, crossing_from_country) as from_country,
    coalesce(to_area, crossing_to_area) as to_area,
    coalesce(
        try_cast(period_start_text as date),
        case when duration_days is not null and date_precision = 'day' then event_date end
    ) as period_start

from resolved
