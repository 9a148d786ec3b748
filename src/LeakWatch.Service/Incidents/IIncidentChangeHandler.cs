using System.Data.Common;

namespace LeakWatch.Service.Incidents;

/// <summary>
/// What follows an incident's creation or growth, inside the transaction that made it: alerting plans its alerts
/// there, so that the change and its alerts are written together or not at all. Incidents know nothing of channels.
/// </summary>
internal interface IIncidentChangeHandler
{
    /// <param name="incident">The incident as just written (revision 1 when created, higher when it grew).</param>
    Task<IncidentFollowUp> HandleAsync(DbConnection connection, DbTransaction transaction, IncidentRow incident, DateTimeOffset now, CancellationToken cancellationToken);
}
