using LeakWatch.Core.Normalization;

namespace LeakWatch.Core.Extraction;

internal readonly record struct FieldRef(int Start, int Length, FieldHint Hint);
