using Microsoft.Extensions.DependencyInjection;

namespace LeakWatch.Service.Enrollment;

internal static class EnrollmentRegistration
{
    public static IServiceCollection AddEnrollment(this IServiceCollection services)
    {
        services.AddOptions<EnrollmentOptions>()
            .BindConfiguration(EnrollmentOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<Enroller>();
        services.AddSingleton<PatientResolver>();
        return services;
    }
}
