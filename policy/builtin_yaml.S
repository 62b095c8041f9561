/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The shipped default and base policies, built into libisolate so that a
 * program (the loader's run, the Python package) has the runtime profile
 * with no policy file installed. Hidden: isolate_policy_builtin() is the API.
 */
	.section .rodata
	.global isolate_builtin_default_yaml
	.hidden isolate_builtin_default_yaml
	.type isolate_builtin_default_yaml, @object
isolate_builtin_default_yaml:
	.incbin "policy/default.yaml"
	.byte 0
	.global isolate_builtin_base_yaml
	.hidden isolate_builtin_base_yaml
	.type isolate_builtin_base_yaml, @object
isolate_builtin_base_yaml:
	.incbin "policy/base.yaml"
	.byte 0
	.section .note.GNU-stack,"",@progbits
