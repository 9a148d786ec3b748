using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Storage;

/// <summary>The two stores LeakWatch runs on.</summary>
internal enum DatabaseProvider
{
    /// <summary>One file in the data folder: one node, nothing to install (the default).</summary>
    Sqlite,

    /// <summary>A PostgreSQL server shared by several nodes (a cluster).</summary>
    Postgres,
}

/// <summary>
/// Which database holds LeakWatch's state. Section <c>LeakWatch:Database</c>. SQLite needs nothing more (its file is in
/// the data folder); PostgreSQL needs a connection string, given inline or, better, in a file readable only by the
/// service (<c>ConnectionStringFile</c>), so that the password is in neither the settings nor the process list.
/// </summary>
internal sealed class DatabaseOptions
{
    public const string SectionName = "LeakWatch:Database";

    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Npgsql connection string (Host=...;Database=...;Username=...;Password=...). Postgres only.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>A file holding the connection string (first line). Postgres only; wins over <see cref="ConnectionString"/>.</summary>
    public string? ConnectionStringFile { get; set; }

    public DatabaseProvider ParsedProvider => Provider.Trim().ToLowerInvariant() switch
    {
        "postgres" or "postgresql" => DatabaseProvider.Postgres,
        _ => DatabaseProvider.Sqlite,
    };

    /// <summary>The connection string, read from its file when one is named. Never logged: it holds the password.</summary>
    public string ResolveConnectionString()
    {
        if (!string.IsNullOrWhiteSpace(ConnectionStringFile))
        {
            return File.ReadLines(ConnectionStringFile).FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "";
        }
        return ConnectionString?.Trim() ?? "";
    }
}

/// <summary>Names the setting at start: an unknown provider, or PostgreSQL without a usable connection string.</summary>
internal sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var provider = options.Provider?.Trim().ToLowerInvariant();
        if (provider is not ("sqlite" or "postgres" or "postgresql"))
        {
            return ValidateOptionsResult.Fail($"LeakWatch:Database:Provider '{options.Provider}' is not known; use sqlite (default) or postgres.");
        }
        if (options.ParsedProvider != DatabaseProvider.Postgres) return ValidateOptionsResult.Success;
        if (!string.IsNullOrWhiteSpace(options.ConnectionStringFile))
        {
            if (!File.Exists(options.ConnectionStringFile))
            {
                return ValidateOptionsResult.Fail($"LeakWatch:Database:ConnectionStringFile '{options.ConnectionStringFile}' does not exist or cannot be read.");
            }
        }
        else if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return ValidateOptionsResult.Fail("LeakWatch:Database:Provider is postgres: set LeakWatch:Database:ConnectionStringFile (a file holding the connection string) or LeakWatch:Database:ConnectionString.");
        }
        try
        {
            var parsed = new Npgsql.NpgsqlConnectionStringBuilder(options.ResolveConnectionString());
            if (string.IsNullOrWhiteSpace(parsed.Host)) return ValidateOptionsResult.Fail("The PostgreSQL connection string (LeakWatch:Database) names no Host.");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or IOException or UnauthorizedAccessException)
        {
            // The message of a connection-string parse error can quote the string: name the setting only.
            return ValidateOptionsResult.Fail("The PostgreSQL connection string (LeakWatch:Database:ConnectionString or ConnectionStringFile) cannot be read or parsed (" + e.GetType().Name + ").");
        }
        return ValidateOptionsResult.Success;
    }
}
