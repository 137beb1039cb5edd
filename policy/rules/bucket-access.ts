// No bucket may be read or listed by anyone on the internet.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, inputAt, TYPES } from "../../infra/cost/estimate";

const PUBLIC_ACLS = new Set(["public-read", "public-read-write", "authenticated-read"]);
const EVERYONE_URIS = /AllUsers|AuthenticatedUsers/;

export const bucketNoAnonymousAccess: ResourceValidationPolicy = {
    name: "bucket-no-anonymous-access",
    description: "Object Storage buckets must not be readable or listable anonymously.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
        if (args.type !== TYPES.bucket) {
            return;
        }
        const flags = inputAt(args.props, "anonymousAccessFlags");
        for (const flag of ["read", "list", "configRead"]) {
            if (inputAt(flags, flag) === true) {
                report(`bucket "${args.name}": anonymousAccessFlags.${flag} is true; set it to false and share objects with presigned URLs or IAM roles instead`);
            }
        }
        const acl = inputAt(args.props, "acl");
        if (typeof acl === "string" && PUBLIC_ACLS.has(acl)) {
            report(`bucket "${args.name}": acl "${acl}" opens the bucket to everyone; use "private" (the default)`);
        }
        for (const grant of asArray(inputAt(args.props, "grants"))) {
            const uri = inputAt(grant, "uri");
            if (typeof uri === "string" && EVERYONE_URIS.test(uri)) {
                report(`bucket "${args.name}": a grant to ${uri} makes the bucket public; grant to service accounts by id`);
            }
        }
    },
};
