from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template (None when absent or not a mapping)."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
