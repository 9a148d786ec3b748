namespace LeakWatch.Core.Matching;

internal enum Confidence : byte
{
    Low = 1,
    Medium = 2,
    High = 3,
}
