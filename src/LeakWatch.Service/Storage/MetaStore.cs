using Dapper;

namespace LeakWatch.Service.Storage;

/// <summary>Facts about the database itself (table <c>meta</c>), such as the identifier of the key it was made with.</summary>
internal sealed class MetaStore
{
    private const string SelectValue = "SELECT value FROM meta WHERE name = @name";
    private const string InsertIfAbsent = "INSERT INTO meta (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING";

    private readonly Database _database;

    public MetaStore(Database database) => _database = database;

    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(SelectValue, new { name }, cancellationToken: cancellationToken));
    }

    /// <summary>Records <paramref name="value"/> unless a value is already there; returns the value that is stored.</summary>
    public async Task<string> SetIfAbsentAsync(string name, string value, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertIfAbsent, new { name, value }, cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<string>(new CommandDefinition(SelectValue, new { name }, cancellationToken: cancellationToken));
    }
}
