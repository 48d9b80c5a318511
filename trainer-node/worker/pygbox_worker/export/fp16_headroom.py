"""How close the model's activations come to float16's largest value (65504).

The q4f16 file computes in float16. OPT models are known for a few huge activation features
(the reason naive int8 breaks OPT-13B); where they pass 65504 the fp16 file yields inf/NaN. The
largest |output| of every submodule on the eval examples, measured in PyTorch fp32, says how much
room is left; the gate still decides on the fp16 file's own logits.
"""

from __future__ import annotations

import torch
from transformers import PreTrainedModel

#: Warn at a quarter of the limit: other inputs than the eval examples can go higher.
FP16_WARN_ABOVE = 65504 / 4


def _largest(value: object) -> float:
    if isinstance(value, torch.Tensor):
        return float(value.detach().abs().max()) if value.is_floating_point() and value.numel() else 0.0
    if isinstance(value, (tuple, list)):
        return max((_largest(item) for item in value), default=0.0)
    return 0.0


def largest_activation(model: PreTrainedModel, examples: list[list[int]]) -> float:
    """The largest finite |output| any submodule produced over the examples (one forward each)."""
    largest = 0.0

    def record(_module: torch.nn.Module, _inputs: object, output: object) -> None:
        nonlocal largest
        largest = max(largest, _largest(output))

    # The head counts too: q4f16 computes the logits in float16 and casts them to float32 after.
    hooks = [m.register_forward_hook(record) for m in model.modules() if m is not model]
    try:
        with torch.no_grad():
            for ids in examples:
                model(input_ids=torch.tensor([ids]), use_cache=False)
    finally:
        for hook in hooks:
            hook.remove()
    return largest
