/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libyaml events into a tree of positioned nodes. Building our own tree
 * (rather than yaml_document_t) lets us refuse aliases before they can be
 * expanded, bound the nesting, and keep every node's line and column.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "model.h"
#include "yaml_tree.h"

/* A policy nests five levels; anything far deeper is not a policy. */
#define YTREE_MAX_DEPTH 32

struct builder {
	yaml_parser_t parser;
	const char *file;
	const unsigned char *buf;
	size_t len;
	struct isolate_diag *diag;
};

void ytree_free(struct ynode *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->n_items; i++)
		ytree_free(node->items[i]);
	free(node->items);
	free(node->text);
	free(node);
}

static unsigned int utf16_unit(const unsigned char *s, bool le)
{
	return le ? s[0] | s[1] << 8 : s[0] << 8 | s[1];
}

/* The character at *i of text in enc, valid up to end: libyaml decoded it. */
static unsigned int next_char(yaml_encoding_t enc, const unsigned char *s, size_t end, size_t *i)
{
	bool le = enc == YAML_UTF16LE_ENCODING;
	unsigned int c, n;

	if (le || enc == YAML_UTF16BE_ENCODING) {
		if (*i + 2 > end) {
			*i = end;
			return 0;
		}
		c = utf16_unit(s + *i, le);
		*i += 2;
		if ((c & 0xfc00) != 0xd800 || *i + 2 > end)
			return c;
		*i += 2;
		return 0x10000 + ((c - 0xd800) << 10) + (utf16_unit(s + *i - 2, le) - 0xdc00);
	}
	c = s[(*i)++];
	n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	c &= 0x3f >> n;
	for (; n && *i < end; n--)
		c = c << 6 | (s[(*i)++] & 0x3f);
	return c;
}

/*
 * The line and column of the byte at offset, counted as libyaml counts
 * them in its marks: a line ends at \n, \r\n, \r, NEL, LS or PS, a column
 * is a character, and a byte order mark at the start is none.
 */
static void reader_position(const struct builder *b, size_t offset, unsigned int *line,
			    unsigned int *column)
{
	size_t end = offset < b->len ? offset : b->len, i = 0;
	unsigned int prev = 0;

	if (next_char(b->parser.encoding, b->buf, end, &i) != 0xfeff)
		i = 0;
	*line = 1;
	*column = 1;
	while (i < end) {
		unsigned int c = next_char(b->parser.encoding, b->buf, end, &i);

		if (c == '\n' && prev == '\r')
			;	/* one break with the \r */
		else if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029)
			(*line)++, *column = 1;
		else
			(*column)++;
		prev = c;
	}
}

static int syntax_error(struct builder *b)
{
	const yaml_parser_t *p = &b->parser;

	if (p->error == YAML_MEMORY_ERROR) {
		diag_set(b->diag, b->file, 0, 0, "out of memory");
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR) {
		unsigned int line, column;

		reader_position(b, p->problem_offset, &line, &column);
		diag_set(b->diag, b->file, line, column, "expected UTF-8 text: %s",
			 p->problem ? p->problem : "unreadable");
		return -EINVAL;
	}
	diag_set(b->diag, b->file, (unsigned int)p->problem_mark.line + 1,
		 (unsigned int)p->problem_mark.column + 1, "expected valid YAML: %s%s%s%s",
		 p->problem ? p->problem : "syntax error", p->context ? " (" : "",
		 p->context ? p->context : "", p->context ? ")" : "");
	return -EINVAL;
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
	return yaml_parser_parse(&b->parser, ev) ? 0 : syntax_error(b);
}

static int refuse(struct builder *b, const yaml_event_t *ev, const char *what)
{
	diag_set(b->diag, b->file, (unsigned int)ev->start_mark.line + 1,
		 (unsigned int)ev->start_mark.column + 1,
		 "expected plain YAML without %s: write the value in place", what);
	return -EINVAL;
}

static int build_node(struct builder *b, yaml_event_t *ev, int depth, struct ynode **out);

/* Items up to the matching end event; a mapping's are key, value pairs. */
static int build_children(struct builder *b, struct ynode *node, int depth,
			  yaml_event_type_t end)
{
	size_t count = 0, alloc = 0;

	for (;;) {
		yaml_event_t ev;
		struct ynode *child;
		int err = next_event(b, &ev);

		if (err)
			return err;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			break;
		}
		if (count == alloc) {
			size_t n = alloc ? alloc * 2 : 8;
			struct ynode **grown = realloc(node->items, n * sizeof(*grown));

			if (!grown) {
				yaml_event_delete(&ev);
				diag_set(b->diag, b->file, 0, 0, "out of memory");
				return -ENOMEM;
			}
			node->items = grown;
			alloc = n;
		}
		err = build_node(b, &ev, depth + 1, &child);
		yaml_event_delete(&ev);
		if (err)
			return err;
		node->items[count++] = child;
		node->n_items = count;
		node->n = node->type == YNODE_MAP ? count / 2 : count;
	}
	return 0;
}

static int build_node(struct builder *b, yaml_event_t *ev, int depth, struct ynode **out)
{
	struct ynode *node;
	const yaml_char_t *anchor = NULL, *tag = NULL;
	int err = 0;

	*out = NULL;
	if (ev->type == YAML_ALIAS_EVENT)
		return refuse(b, ev, "aliases");
	if (ev->type == YAML_SCALAR_EVENT) {
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
	} else if (ev->type == YAML_SEQUENCE_START_EVENT) {
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
	} else if (ev->type == YAML_MAPPING_START_EVENT) {
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
	}
	if (anchor)
		return refuse(b, ev, "anchors");
	if (tag)
		return refuse(b, ev, "tags");
	if (depth > YTREE_MAX_DEPTH) {
		diag_set(b->diag, b->file, (unsigned int)ev->start_mark.line + 1,
			 (unsigned int)ev->start_mark.column + 1,
			 "expected at most %d levels of nesting", YTREE_MAX_DEPTH);
		return -EINVAL;
	}
	node = calloc(1, sizeof(*node));
	if (!node) {
		diag_set(b->diag, b->file, 0, 0, "out of memory");
		return -ENOMEM;
	}
	node->line = (unsigned int)ev->start_mark.line + 1;
	node->column = (unsigned int)ev->start_mark.column + 1;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		node->type = YNODE_SCALAR;
		node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		node->len = ev->data.scalar.length;
		node->text = malloc(node->len + 1);
		if (!node->text) {
			err = -ENOMEM;
			diag_set(b->diag, b->file, 0, 0, "out of memory");
			break;
		}
		memcpy(node->text, ev->data.scalar.value, node->len);
		node->text[node->len] = '\0';
		break;
	case YAML_SEQUENCE_START_EVENT:
		node->type = YNODE_SEQ;
		err = build_children(b, node, depth, YAML_SEQUENCE_END_EVENT);
		break;
	case YAML_MAPPING_START_EVENT:
		node->type = YNODE_MAP;
		err = build_children(b, node, depth, YAML_MAPPING_END_EVENT);
		break;
	default:
		diag_set(b->diag, b->file, node->line, node->column, "expected a YAML value");
		err = -EINVAL;
	}
	if (err) {
		ytree_free(node);
		return err;
	}
	*out = node;
	return 0;
}

int ytree_parse(const char *file, const char *buf, size_t len, struct ynode **root,
		struct isolate_diag *diag)
{
	struct builder b = { .file = file, .buf = (const unsigned char *)buf, .len = len,
			     .diag = diag };
	yaml_event_t ev;
	int err;

	*root = NULL;
	if (!yaml_parser_initialize(&b.parser)) {
		diag_set(diag, file, 0, 0, "out of memory");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, len);
	/* libyaml orders the events: STREAM-START, then DOCUMENT-START or STREAM-END. */
	err = next_event(&b, &ev);
	if (err)
		goto out;
	yaml_event_delete(&ev);
	err = next_event(&b, &ev);
	if (err)
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		goto out;
	}
	yaml_event_delete(&ev);
	err = next_event(&b, &ev);
	if (err)
		goto out;
	err = build_node(&b, &ev, 0, root);
	yaml_event_delete(&ev);
	if (err)
		goto out;
	err = next_event(&b, &ev);	/* DOCUMENT-END */
	if (err)
		goto out;
	yaml_event_delete(&ev);
	err = next_event(&b, &ev);
	if (err)
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		diag_set(diag, file, (unsigned int)ev.start_mark.line + 1,
			 (unsigned int)ev.start_mark.column + 1,
			 "expected one YAML document, found a second one here");
		err = -EINVAL;
	}
	yaml_event_delete(&ev);
out:
	if (err) {
		ytree_free(*root);
		*root = NULL;
	}
	yaml_parser_delete(&b.parser);
	return err;
}
