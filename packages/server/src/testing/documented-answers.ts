// Answers of the real HTTP API, recorded as a test gets them and checked against the OpenAPI
// document with a JSON Schema validator (Ajv, draft 2020-12, the dialect of OpenAPI 3.1).
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS: its default export is the plugin itself.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

interface DocumentedResponse {
  content?: Record<string, unknown>;
}
interface ApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, DocumentedResponse> }>>;
}

export interface RecordedAnswer {
  /** "GET /api/v1/presence/users/{id}": the documented operation the request went to. */
  operation: string;
  status: number;
  /** The media type, without parameters; null when there is no body. */
  type: string | null;
  body: unknown;
}

export interface SendOptions {
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
}

/** A JSON pointer segment: `/` and `~` escaped. */
const pointer = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

export class DocumentedAnswers {
  readonly answers: RecordedAnswer[] = [];
  private readonly ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  private readonly templates: Array<{ template: string; pattern: RegExp }>;

  constructor(
    private readonly baseUrl: string,
    private readonly document: ApiDocument,
  ) {
    this.ajv.addSchema(document, "openapi.json");
    // Literal paths first, so /a/b wins over /a/{x}.
    this.templates = Object.keys(document.paths)
      .sort((a, b) => Number(a.includes("{")) - Number(b.includes("{")))
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`),
      }));
  }

  /** The documented operation a request goes to ("GET /api/v1/users/{id}"), or the bare request. */
  operationOf(method: string, url: string): string {
    const path = url.split("?")[0]!;
    const found = this.templates.find(({ pattern }) => pattern.test(path));
    return `${method} ${found?.template ?? path}`;
  }

  /** Sends a request to the server, records its answer and returns it. */
  async send(method: string, url: string, options: SendOptions = {}): Promise<RecordedAnswer> {
    const body =
      options.body === undefined || typeof options.body === "string"
        ? options.body
        : JSON.stringify(options.body);
    const response = await fetch(`${this.baseUrl}${url}`, {
      method,
      redirect: "manual",
      headers: {
        ...(body !== undefined && typeof options.body !== "string"
          ? { "content-type": "application/json" }
          : {}),
        ...options.headers,
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    const type = text === "" ? null : (response.headers.get("content-type")?.split(";")[0] ?? null);
    return this.record({
      operation: this.operationOf(method, url),
      status: response.status,
      type,
      body: type === "application/json" ? JSON.parse(text) : text,
    });
  }

  record(answer: RecordedAnswer): RecordedAnswer {
    this.answers.push(answer);
    return answer;
  }

  /** The validator of a schema in the document, by its JSON pointer (`#/components/schemas/X`). */
  validator(ref: string): ValidateFunction {
    const validate = this.ajv.getSchema(`openapi.json${ref}`);
    if (!validate) throw new Error(`no schema at ${ref}`);
    return validate;
  }

  /** What is wrong with each answer the document does not describe: one line each. */
  failures(): string[] {
    return this.answers.flatMap((answer) => {
      const problem = this.check(answer);
      return problem ? [`${answer.operation} ${answer.status}: ${problem}`] : [];
    });
  }

  private check({ operation, status, type, body }: RecordedAnswer): string | null {
    const [method, template] = operation.split(" ") as [string, string];
    const documented = this.document.paths[template]?.[method.toLowerCase()];
    if (!documented) return "not a documented operation";
    const response = documented.responses[String(status)];
    if (!response) return `status not documented (body: ${JSON.stringify(body).slice(0, 200)})`;
    if (type === null) return null;
    if (!response.content?.[type]) return `${type} is not documented for this status`;
    if (type !== "application/json") return null;
    const validate = this.validator(
      `#/paths/${pointer(template)}/${method.toLowerCase()}/responses/${status}/content/${pointer(type)}/schema`,
    );
    if (validate(body)) return null;
    return `${this.ajv.errorsText(validate.errors, { dataVar: "body" })} in ${JSON.stringify(body).slice(0, 300)}`;
  }
}
