using LeakWatch.Service.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeakWatch.Service.Storage;

internal static class StorageRegistration
{
    public static IServiceCollection AddStorage(this IServiceCollection services)
    {
        services.AddStrictOptions<StorageOptions>(StorageOptions.SectionName).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddStrictOptions<DatabaseOptions>(DatabaseOptions.SectionName);
        services.AddSingleton<IValidateOptions<DatabaseOptions>, DatabaseOptionsValidator>();
        services.AddSingleton<Database>();
        services.AddSingleton<MetaStore>();
        services.AddSingleton<FingerprintStore>();
        services.AddSingleton<FingerprintIndexFiles>();
        return services;
    }
}
