namespace LeakWatch.Core.Matching;

/// <summary>Which kinds of patient field were matched: what an alert may say, never the values.</summary>
[Flags]
internal enum MatchedFields
{
    None = 0,
    Nir = 1,
    LastName = 2,
    FirstName = 4,
    BirthDate = 8,
    Phone = 16,
    Email = 32,
}
