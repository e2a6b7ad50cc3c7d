using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InferenceGateway.ControlPlane.Data.Migrations.Postgres
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
                type: "character varying(50)",
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
