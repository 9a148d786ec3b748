using System.Data;
using System.Data.Common;

namespace LeakWatch.Service.Storage;

/// <summary>Typed parameters on a prepared command, the same way on SQLite and PostgreSQL.</summary>
internal static class DbCommands
{
    public static DbParameter AddParameter(this DbCommand command, string name, DbType type, object? value = null)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        if (value is not null) parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
