using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Issue12TokenTypes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AcceptedTokenTypes",
                table: "ExternalIssuers",
                type: "TEXT",
                maxLength: 50,
                nullable: false,
                defaultValue: "at+jwt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AcceptedTokenTypes",
                table: "ExternalIssuers");
        }
    }
}
