namespace LeakWatch.Core.Matching;

/// <summary>Which kinds of patient field were matched: what an alert may say, never the values.</summary>
[Flags]
public enum MatchedFields : long // stored as a SQLite integer: Dapper maps it into records as is
{
    None = 0,
    Nir = 1,
    LastName = 2,
    FirstName = 4,
    BirthDate = 8,
    Phone = 16,
    Email = 32,
}
