// The text rules of c2sp.org/signed-note, shared by checkpoint bodies and signed notes.
#pragma once

#include <string_view>

namespace meso::journal::detail {

// Valid UTF-8 with no ASCII control character other than the newline: what a signed note may contain.
bool is_note_text(std::string_view text);
// Non-empty note text with no Unicode space (as Go's unicode.IsSpace) and no '+', which separates a
// verifier key's parts.
bool is_key_name(std::string_view name);

}  // namespace meso::journal::detail
