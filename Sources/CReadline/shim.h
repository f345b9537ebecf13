#ifndef WORKSHOP_CREADLINE_SHIM_H
#define WORKSHOP_CREADLINE_SHIM_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <readline/readline.h>
#include <readline/history.h>

// readline keeps its settings in global variables, which Swift 6 treats as shared mutable
// state. These accessors let Swift set them from the one thread that runs the line editor.

/// The C standard streams, which Swift 6 also sees as shared mutable globals.
static inline FILE *workshop_stdout(void) { return stdout; }
static inline FILE *workshop_stderr(void) { return stderr; }

static inline void workshop_rl_set_catch_signals(int on) { rl_catch_signals = on; }
static inline void workshop_rl_set_catch_sigwinch(int on) { rl_catch_sigwinch = on; }
static inline void workshop_rl_set_change_environment(int on) { rl_change_environment = on; }
static inline void workshop_rl_set_attempted_completion_function(rl_completion_func_t *f) {
  rl_attempted_completion_function = f;
}
static inline void workshop_rl_set_attempted_completion_over(int on) {
  rl_attempted_completion_over = on;
}
static inline void workshop_rl_set_completion_append_character(int c) {
  rl_completion_append_character = c;
}
static inline void workshop_rl_set_instream(FILE *f) { rl_instream = f; }
static inline void workshop_rl_set_outstream(FILE *f) { rl_outstream = f; }
static inline void workshop_rl_set_done(int done) { rl_done = done; }
static inline void workshop_rl_set_readline_name(const char *name) { rl_readline_name = name; }
static inline void workshop_rl_set_erase_empty_line(int on) { rl_erase_empty_line = on; }
static inline const char *workshop_rl_line_buffer(void) { return rl_line_buffer; }
static inline int workshop_rl_point(void) { return rl_point; }
static inline void workshop_rl_set_history_max(int n) { stifle_history(n); }

/// A completion result in readline's format (the common prefix first when there are several
/// matches, then the matches, then NULL). readline frees it, so everything is malloc'd here.
static inline char **workshop_rl_matches(const char *text, const char *const *words, int count) {
  (void)text;
  if (count <= 0) return NULL;
  char **out = (char **)malloc(sizeof(char *) * (size_t)(count + 1));
  if (!out) return NULL;
  for (int i = 0; i < count; i++) out[i] = strdup(words[i]);
  out[count] = NULL;
  return out;
}

#endif
