"""The Instruct and Thinking chat templates (Jinja), in Qwen3-VL's wire format.

Format (FACTS.md): ``<|im_start|>{role}\\n{content}<|im_end|>\\n``; an image is
``<|vision_start|><|image_pad|><|vision_end|>``, a video
``<|vision_start|><|video_pad|><|vision_end|>`` (the processor expands it into
per-frame timestamps and pads). The generation prompt is ``<|im_start|>assistant\\n``,
and for Thinking ``<|im_start|>assistant\\n<think>\\n``. Thinking keeps the reasoning
of assistant turns after the last user turn only.

Messages take ``content`` as a string or a list of ``{"type": "text"|"image"|"video"}``
parts; assistant turns may carry ``reasoning_content``; ``tool`` turns are wrapped in
``<tool_response>``; a ``tools`` list is described in the system turn.
"""

from __future__ import annotations

_CONTENT = r"""
{%- macro render(content) -%}
{%- if content is string -%}{{ content }}
{%- else -%}{%- for part in content -%}
{%- if part.type == 'image' or 'image' in part or 'image_url' in part -%}<|vision_start|><|image_pad|><|vision_end|>
{%- elif part.type == 'video' or 'video' in part -%}<|vision_start|><|video_pad|><|vision_end|>
{%- elif 'text' in part -%}{{ part.text }}
{%- endif -%}{%- endfor -%}
{%- endif -%}
{%- endmacro -%}
"""

_SYSTEM = r"""
{%- if tools -%}
<|im_start|>system
{%- if messages[0].role == 'system' %}
{{ render(messages[0].content) }}
{%- endif %}

# Tools

You may call one or more functions to assist with the user query.

You are provided with function signatures within <tools></tools> XML tags:
<tools>
{%- for tool in tools %}{{ '\n' }}{{ tool | tojson }}{%- endfor %}{{ '\n' }}</tools>

For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:
<tool_call>
{"name": <function-name>, "arguments": <args-json-object>}
</tool_call><|im_end|>
{% elif messages[0].role == 'system' -%}
<|im_start|>system
{{ render(messages[0].content) }}<|im_end|>
{% endif -%}
"""

_TURNS = r"""
{%- set ns = namespace(last_user=-1) -%}
{%- for m in messages -%}{%- if m.role == 'user' -%}{%- set ns.last_user = loop.index0 -%}{%- endif -%}{%- endfor -%}
{%- for m in messages -%}
{%- if m.role == 'system' and loop.first -%}
{%- elif m.role == 'assistant' -%}
{%- set text = render(m.content) if m.content else '' -%}
{%- set reasoning = m.reasoning_content if m.reasoning_content is string else '' -%}
{%- if '</think>' in text -%}
{%- set reasoning = text.split('</think>')[0].split('<think>')[-1].strip('\n') -%}
{%- set text = text.split('</think>')[-1].lstrip('\n') -%}
{%- endif -%}
<|im_start|>assistant
{% if KEEP_REASONING and loop.index0 > ns.last_user and reasoning -%}
<think>
{{ reasoning }}
</think>

{% endif -%}
{{ text }}
{%- if m.tool_calls -%}{%- for call in m.tool_calls -%}
{%- set fn = call.function if call.function else call -%}
{%- if text or not loop.first %}{{ '\n' }}{% endif %}<tool_call>
{"name": "{{ fn.name }}", "arguments": {{ fn.arguments if fn.arguments is string else fn.arguments | tojson }}}
</tool_call>
{%- endfor -%}{%- endif -%}
<|im_end|>
{% elif m.role == 'tool' -%}
{%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}<|im_start|>user
{% endif -%}
<tool_response>
{{ render(m.content) }}
</tool_response>
{%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}<|im_end|>
{% else %}{{ '\n' }}
{%- endif -%}
{%- else -%}
<|im_start|>{{ m.role }}
{{ render(m.content) }}<|im_end|>
{% endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}
<|im_start|>assistant
{% if THINKING %}<think>
{% endif -%}
{%- endif -%}
"""


def _template(thinking: bool) -> str:
    flags = (
        f"{{%- set THINKING = {str(thinking).lower()} -%}}"
        f"{{%- set KEEP_REASONING = {str(thinking).lower()} -%}}"
    )
    return "".join(part.strip("\n") for part in (flags, _CONTENT, _SYSTEM, _TURNS))


INSTRUCT_TEMPLATE = _template(thinking=False)
THINKING_TEMPLATE = _template(thinking=True)

TEMPLATES: dict[str, str] = {"instruct": INSTRUCT_TEMPLATE, "thinking": THINKING_TEMPLATE}
