using LeakWatch.Service.Configuration;
using LeakWatch.Service.Storage;
using LeakWatch.Service.Web;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Quartz;

namespace LeakWatch.Service.Operations;

internal static class OperationsRegistration
{
    /// <summary>
    /// The persistent schedule (Quartz's ADO.NET job store on the service's own SQLite file), health and metrics on the
    /// web listener, and the retention purge job.
    /// </summary>
    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddStrictOptions<OperationsOptions>(OperationsOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<OperationsOptions>, OperationsOptionsValidator>();

        // The schema is migration 0500, applied when the database is first opened.
        services.AddQuartz(q => q.UsePersistentStore(store =>
        {
            store.UseSqlite(source => source.DataSourceFactory = sp => SqliteFactory.Instance.CreateDataSource(MigratedConnectionString(sp)));
            store.UseSystemTextJsonSerializer();
        }));
        services.AddSingleton<IPostConfigureOptions<AdoJobStoreOptions>>(sp => new PostConfigureOptions<AdoJobStoreOptions, IOptions<OperationsOptions>>(
            null, sp.GetRequiredService<IOptions<OperationsOptions>>(), (store, operations) =>
            {
                store.MisfireThreshold = operations.Value.MisfireThreshold;
                store.StoreJobDataAsStrings = true;
            }));

        services.AddSingleton<OutboxBacklog>();
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<KeyCheck>("key", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<EnrollmentCheck>("enrollment", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<SourcesCheck>("sources", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<OutboxCheck>("outbox", tags: [HealthEndpoints.ReadyTag])
            .AddCheck<RetentionCheck>("retention", tags: [HealthEndpoints.ReadyTag]);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(LeakWatchMetrics.MeterName)
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        services.AddSingleton<IWebEndpoints, HealthEndpoints>();
        services.AddHostedService<PendingAlertsGauge>();

        services.AddSingleton<RetentionPurger>();
        services.AddSingleton<RetentionHealth>();
        services.AddSingleton<IRetentionAudit, AuditedRetention>();
        services.AddQuartz(q => q.ScheduleJob<RetentionJob>(
            (sp, trigger) => trigger
                .WithIdentity(RetentionJob.Name)
                .WithCronSchedule(sp.GetRequiredService<IOptions<OperationsOptions>>().Value.Retention.Schedule,
                    b => b.WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed)),
            (_, job) => job.WithIdentity(RetentionJob.Name)));
        return services;
    }

    /// <summary>
    /// Quartz asks once, when its scheduler is made: the database (folder, file, migrations) is made first, so whoever
    /// gets a scheduler finds its tables. Synchronous because Quartz's factory is; SQLite's calls are synchronous anyway.
    /// </summary>
    private static string MigratedConnectionString(IServiceProvider services)
    {
        var database = services.GetRequiredService<Database>();
        database.OpenAsync().GetAwaiter().GetResult().Dispose();
        return database.ConnectionString;
    }
}
