/* SPDX-License-Identifier: GPL-2.0 */
/* The shipped default and base policies, built into the loader. */
	.section .rodata
	.global default_policy_yaml
	.type default_policy_yaml, @object
default_policy_yaml:
	.incbin "policy/default.yaml"
	.byte 0
	.global base_policy_yaml
	.type base_policy_yaml, @object
base_policy_yaml:
	.incbin "policy/base.yaml"
	.byte 0
	.section .note.GNU-stack,"",@progbits
